// Measures what an encoder sends: bitrate from the FLV bytes and frame rate from the video frames,
// each over the media time the last sample interval carried (the video tags' timestamps, not the
// wall clock: an encoder that falls behind on a busy machine and then catches up sends its backlog
// in a burst, which is not what it is set to send), the keyframe interval from the FLV timestamps (keyframe to
// keyframe) and the picture size from the H.264 sequence header; and what it sends on its own clock
// (encoder-sent.ts: frame rate and video bitrate per keyframe interval, its audio). The latest sample goes to the
// catalog's encoder status (the function returned) and stays in memory for this node's /metrics
// (live-figures.ts, under the classroom) until the encoder disconnects.
import { encoderReportSeconds, type EncoderSample } from './catalog-port.ts';
import { aacAudioConfig, h264PictureSize, readFlvTag } from './flv-tag.ts';
import type { EncoderSent } from './encoder-sent.ts';
import { trackEncoder, type EncoderFigures } from './live-figures.ts';
import type { Publisher } from './rtmp-server.ts';

export function meterEncoder(publisher: Publisher, classroomId: string): () => EncoderSample {
  let bytes = 0;
  let frames = 0;
  let since = Date.now();
  // Media time of this interval's video frames (ms), each frame counted from the one before it.
  let mediaMs = 0;
  let previousVideoAt: number | undefined;
  let lastKeyframeAt: number | undefined;
  let latest: EncoderSample | undefined;
  const figures: EncoderFigures = { bitrateKbps: null, fps: null, keyframeIntervalSeconds: null, width: null, height: null };
  const sent: EncoderSent = { fps: null, videoKbps: null, keyframeSeconds: null, audio: null };
  // The current keyframe interval's frames and video bytes (from its keyframe, that one included).
  let gopFrames = 0;
  let gopBytes = 0;

  publisher.onTag((tag) => {
    bytes += tag.length;
    const info = readFlvTag(tag);
    if (info.kind === 'audio') {
      if (!sent.audio || sent.audio.codec !== info.codec) sent.audio = { codec: info.codec, sampleRate: null, channels: null };
      if (info.isSequenceHeader) Object.assign(sent.audio, aacAudioConfig(tag));
      return;
    }
    if (info.kind !== 'video') return;
    if (info.isSequenceHeader) {
      // Rare (once per publish, or on a size change): the only tags parsed further.
      const size = info.codec === 'h264' ? h264PictureSize(tag) : null;
      if (size) Object.assign(figures, size);
      return;
    }
    frames++;
    mediaMs += frameStepMs(previousVideoAt, info.timestamp);
    previousVideoAt = info.timestamp;
    if (!info.isKeyframe) {
      gopFrames++;
      gopBytes += tag.length;
      return;
    }
    // A timestamp that goes back (an encoder restarting its clock) starts the measure again.
    if (lastKeyframeAt !== undefined && info.timestamp > lastKeyframeAt) {
      const seconds = (info.timestamp - lastKeyframeAt) / 1000;
      figures.keyframeIntervalSeconds = seconds;
      sent.keyframeSeconds = seconds;
      sent.fps = Math.round((gopFrames / seconds) * 10) / 10;
      sent.videoKbps = Math.round((gopBytes * 8) / seconds / 1000);
    }
    lastKeyframeAt = info.timestamp;
    gopFrames = 1;
    gopBytes = tag.length;
  });

  const takeSample = (): EncoderSample => {
    const now = Date.now();
    const seconds = mediaMs > 0 ? mediaMs / 1000 : Math.max(0.001, (now - since) / 1000);
    latest = { bitrateKbps: Math.round((bytes * 8) / 1000 / seconds), fps: Math.round((frames / seconds) * 10) / 10, sent: { ...sent, audio: sent.audio && { ...sent.audio } } };
    figures.bitrateKbps = latest.bitrateKbps;
    figures.fps = latest.fps;
    bytes = 0;
    frames = 0;
    mediaMs = 0;
    since = now;
    return latest;
  };
  // Sampled on its own clock, so /metrics has figures whoever else reads them, and at the catalog's pace.
  const timer = setInterval(takeSample, encoderReportSeconds * 1000);
  timer.unref();
  const forget = trackEncoder(classroomId, () => ({ ...figures }));
  publisher.onClose(() => {
    clearInterval(timer);
    forget();
  });
  return () => latest ?? takeSample();
}

/**
 * The media time one video frame adds: the step from the frame before it, counted only when it is
 * a plausible frame step (0 to 1 s), so a timestamp jump or an encoder restarting its clock does
 * not count as seconds of media. The first frame of a publish adds nothing.
 */
export function frameStepMs(previousAt: number | undefined, at: number): number {
  if (previousAt === undefined) return 0;
  const step = at - previousAt;
  return step > 0 && step <= 1000 ? step : 0;
}
