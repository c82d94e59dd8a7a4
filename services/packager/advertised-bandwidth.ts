// The BANDWIDTH and AVERAGE-BANDWIDTH a rendition's EXT-X-STREAM-INF advertises (RFC 8216
// §4.3.4.2), in bits per second. Pure, so it is tested without a packager.
//
//   advertisedBandwidth({ rateControl, audioKbps, segmentSeconds, segments }) -> { bandwidth, averageBandwidth }
//
// - `rateControl`: the rendition's x264 rate control (a transcode/ladder.ts `Rendition` fits as it is).
// - `audioKbps`: the AAC bit rate muxed into the rendition's segments; 0 for a lesson without audio.
// - `segmentSeconds`: the configured segment length (the latency mode's).
// - `segments`: the rendition's finished segments so far (a `SegmentRecord` fits as it is), oldest first.
// - `windowSegments` (optional): how many segments the live playlist lists.
//
// BANDWIDTH must not be below the peak segment bit rate. The rate control's nominal maxrate is not
// that bound: the VBV lets the encoder spend up to maxrate x T + bufsize bits in any T seconds, so a
// segment of T seconds may reach maxrate + bufsize / T (at 1 s segments, 720p's 3000k maxrate and
// 5000k buffer allow 8 Mb/s). BANDWIDTH is the larger of that a-priori bound (video plus audio plus
// the fMP4 container's overhead) and every measured segment's bytes x 8 / duration; the measured
// part also covers what rate control does not govern, such as a source copied without re-encoding
// or a segment cut short at an encoder's drop. Per segment is the stricter reading: the RFC's peak
// is over runs of segments lasting 0.5 to 1.5 target durations, whose bit rate never exceeds the
// highest single segment's. AVERAGE-BANDWIDTH is the larger of the nominal average (videoKbps plus
// audio plus overhead), the measured average over all the segments, and, given `windowSegments`,
// the highest average of any that many consecutive segments: a live playlist's window is the
// presentation a live viewer is given, and a busy minute's window averages above the lesson's.
//
// Both only grow as segments are measured, and stay at the a-priori figures while the encoder keeps
// within its rate control. A caller that rewrites the master playlist when they grow should know
// that players read the master once, and that p2p-media-loader puts a variant's bit rate into its
// swarm id (services/tracker/swarm-hashes.ts): viewers holding different masters share no swarm.
import type { SegmentRecord } from './segment-record.ts';

/** The rendition's rate control, in kb/s as ffmpeg is given it (-b:v, -maxrate, -bufsize). */
export type RateControl = { videoKbps: number; maxKbps: number; bufferKbps: number };

/** One finished segment: its size in bytes and its EXTINF duration in seconds. */
export type MeasuredSegment = Pick<SegmentRecord, 'bytes' | 'duration'>;

export type AdvertisedBandwidthInput = {
  rateControl: RateControl;
  audioKbps: number;
  segmentSeconds: number;
  segments: readonly MeasuredSegment[];
  /** The live window's length in segments: every window's own average is covered too. */
  windowSegments?: number;
};

/** Bits per second, whole numbers, ready for the playlist. */
export type AdvertisedBandwidth = { bandwidth: number; averageBandwidth: number };

/**
 * The fMP4 container's share on top of the elementary streams (moof and trun per fragment, sample
 * entries): about 1 % at 720p and more for small renditions; 5 % is the generous end of estimates.
 */
export const containerOverhead = 0.05;

export function advertisedBandwidth({ rateControl, audioKbps, segmentSeconds, segments, windowSegments }: AdvertisedBandwidthInput): AdvertisedBandwidth {
  if (!(segmentSeconds > 0)) throw new RangeError(`segmentSeconds must be above 0, not ${segmentSeconds}`);
  const { videoKbps, maxKbps, bufferKbps } = rateControl;
  for (const [name, value] of Object.entries({ videoKbps, maxKbps, bufferKbps, audioKbps })) {
    if (!(value >= 0)) throw new RangeError(`${name} must be 0 or more, not ${value}`);
  }
  const withOverhead = (kbps: number) => kbps * 1000 * (1 + containerOverhead);
  const peakBound = withOverhead(maxKbps + bufferKbps / segmentSeconds + audioKbps);
  const averageBound = withOverhead(videoKbps + audioKbps);

  // A segment without a duration has no bit rate (and is not a segment a playlist could list).
  const timed = segments.filter((segment) => segment.duration > 0);
  const peakMeasured = timed.reduce((peak, segment) => Math.max(peak, (segment.bytes * 8) / segment.duration), 0);
  const totalSeconds = timed.reduce((sum, segment) => sum + segment.duration, 0);
  const totalBits = timed.reduce((sum, segment) => sum + segment.bytes * 8, 0);
  const averageMeasured = Math.max(totalSeconds > 0 ? totalBits / totalSeconds : 0, highestWindowAverage(timed, windowSegments ?? timed.length));

  return {
    bandwidth: Math.ceil(Math.max(peakBound, peakMeasured)),
    averageBandwidth: Math.ceil(Math.max(averageBound, averageMeasured)),
  };
}

/** The highest bit rate of any `size` consecutive segments (all of them when there are fewer). */
function highestWindowAverage(segments: readonly MeasuredSegment[], size: number): number {
  const width = Math.max(1, Math.min(Math.floor(size), segments.length));
  let bits = 0;
  let seconds = 0;
  let highest = 0;
  segments.forEach((segment, index) => {
    bits += segment.bytes * 8;
    seconds += segment.duration;
    const leaving = segments[index - width];
    if (leaving) {
      bits -= leaving.bytes * 8;
      seconds -= leaving.duration;
    }
    if (index >= width - 1 && seconds > 0) highest = Math.max(highest, bits / seconds);
  });
  return highest;
}
