// Whether the school's stream can be served as it is, as the lesson's top rendition, or must be
// re-encoded for it. Pure: judged from the first segment the source copy cut (ffmpeg cuts a copy
// only at the source's keyframes, so a segment longer than the target means keyframes too far
// apart) and the rendition it would stand for. The copy is the recording either way; an unfit
// source only costs the node a re-encode of the top, and the school is told what to change.
import type { Rendition } from './ladder.ts';

export type SourceSegment = { duration: number; bytes: number };

export type SourceFitness = { fit: true } | { fit: false; reason: string; advice: string };

/** A segment may run this much over the target before the source's keyframes count as too far apart. */
const keyframeSlack = 1.25;

export function judgeSource(first: SourceSegment, top: Pick<Rendition, 'maxKbps' | 'bufferKbps'>, segmentSeconds: number): SourceFitness {
  if (first.duration > segmentSeconds * keyframeSlack) {
    const seconds = first.duration.toFixed(1);
    return {
      fit: false,
      reason: `keyframe interval ${seconds} s is longer than the ${segmentSeconds} s segments`,
      advice: `keyframe interval ${seconds} s: set ${segmentSeconds} s in your encoder (OBS: Output > Keyframe Interval = ${segmentSeconds})`,
    };
  }
  // What the top rung's own rate control could put in one segment (the VBV's bound).
  const peakKbps = top.maxKbps + top.bufferKbps / segmentSeconds;
  const kbps = (first.bytes * 8) / first.duration / 1000;
  if (kbps > peakKbps) {
    return {
      fit: false,
      reason: `bitrate ${(kbps / 1000).toFixed(1)} Mb/s is above the ${(peakKbps / 1000).toFixed(1)} Mb/s the top rendition allows`,
      advice: `bitrate ${(kbps / 1000).toFixed(1)} Mb/s: set at most ${(top.maxKbps / 1000).toFixed(1)} Mb/s (CBR) in your encoder`,
    };
  }
  return { fit: true };
}
