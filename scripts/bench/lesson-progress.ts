// Whether a live lesson keeps up with real time, seen from outside: poll one rendition's playlist,
// note when each segment first appears, and compare that with when its media ended in real time
// (its EXT-X-PROGRAM-DATE-TIME plus its duration). A lesson that keeps up has a steady lag.
import { parsePlaylist } from '../../services/core/parse-playlist.ts';

export type SegmentArrival = { sequence: number; arrivedAtMs: number; mediaEndMs: number };

export type LessonFollower = { lessonId: string; poll(): Promise<void>; arrivals(): SegmentArrival[] };

export function followLesson(baseUrl: string, lessonId: string, rendition: string): LessonFollower {
  const url = `${baseUrl}/live/${lessonId}/${rendition}/index.m3u8`;
  const seen = new Map<number, SegmentArrival>();
  return {
    lessonId,
    async poll() {
      const response = await fetch(url);
      const text = await response.text();
      if (response.status === 404) return; // No segment yet.
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const arrivedAtMs = Date.now();
      const playlist = parsePlaylist(text);
      playlist.segments.forEach((segment, index) => {
        const sequence = (playlist.mediaSequence ?? 0) + index;
        if (seen.has(sequence) || segment.programDateTime === undefined) return;
        seen.set(sequence, { sequence, arrivedAtMs, mediaEndMs: segment.programDateTime + segment.duration * 1000 });
      });
    },
    arrivals: () => [...seen.values()].sort((a, b) => a.sequence - b.sequence),
  };
}

export type KeepUp = {
  newSegments: number;
  expectedSegments: number;
  /** Seconds between a segment's media ending and it being served, first and last in the window. */
  lagFirstSeconds: number;
  lagLastSeconds: number;
  lagGrowthSeconds: number;
  /** The lag's trend over the window (least squares), in seconds per minute: above 0, falling behind. */
  lagDriftPerMinute: number;
  keepsUp: boolean;
};

/** Keeps up: over the window it fell behind real time by at most one segment, in lag and in count. */
export function keepUpOver(arrivals: readonly SegmentArrival[], fromMs: number, toMs: number, segmentSeconds: number): KeepUp {
  const inWindow = arrivals.filter((arrival) => arrival.arrivedAtMs > fromMs && arrival.arrivedAtMs <= toMs);
  const expectedSegments = (toMs - fromMs) / 1000 / segmentSeconds;
  const lag = (arrival: SegmentArrival | undefined) => (arrival ? (arrival.arrivedAtMs - arrival.mediaEndMs) / 1000 : Number.NaN);
  const lagFirstSeconds = lag(inWindow[0]);
  const lagLastSeconds = lag(inWindow.at(-1));
  const lagGrowthSeconds = lagLastSeconds - lagFirstSeconds;
  return {
    newSegments: inWindow.length,
    expectedSegments,
    lagFirstSeconds,
    lagLastSeconds,
    lagGrowthSeconds,
    lagDriftPerMinute: 60 * slope(inWindow.map((arrival) => [arrival.arrivedAtMs / 1000, lag(arrival)])),
    keepsUp: inWindow.length >= expectedSegments - 1 && lagGrowthSeconds <= segmentSeconds,
  };
}

function slope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return Number.NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance > 0 ? covariance / variance : Number.NaN;
}
