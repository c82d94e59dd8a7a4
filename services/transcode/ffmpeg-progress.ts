// Reads ffmpeg's `-progress` output (blocks of `key=value` lines, each ending with `progress=...`)
// into the figures the ingest exports: speed against real time (about 1 for a live lesson that
// keeps up), the media time written so far (the shedding policy compares it with the source's to
// know how far behind the process is), frames dropped and duplicated so far. A few lines every stats period, split and
// matched by key: nothing per frame. Pure: chunks of text in, one call per finished block out.

/** One progress report of ffmpeg (`-progress`): its speed against real time, media seconds written, frames dropped and duplicated so far. */
export type TranscoderProgress = { speed: number | null; mediaSeconds: number | null; droppedFrames: number; duplicatedFrames: number };

export function progressReader(onProgress: (progress: TranscoderProgress) => void): (chunk: string) => void {
  let partial = '';
  let block: TranscoderProgress = { speed: null, mediaSeconds: null, droppedFrames: 0, duplicatedFrames: 0 };
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const equals = line.indexOf('=');
      if (equals < 0) continue;
      const key = line.slice(0, equals);
      const value = line.slice(equals + 1).trim();
      if (key === 'speed') block.speed = speedOf(value);
      else if (key === 'out_time_us') block.mediaSeconds = mediaSecondsOf(value, block.mediaSeconds);
      else if (key === 'drop_frames') block.droppedFrames = countOf(value, block.droppedFrames);
      else if (key === 'dup_frames') block.duplicatedFrames = countOf(value, block.duplicatedFrames);
      else if (key === 'progress') {
        onProgress(block);
        block = { ...block };
      }
    }
  };
}

/** `1.01x`, ` 248x`, `N/A` (before the first output frame). */
function speedOf(value: string): number | null {
  const speed = Number.parseFloat(value);
  return Number.isFinite(speed) && speed >= 0 ? speed : null;
}

/** Microseconds; `N/A` or a negative value before the first frame keeps the previous figure. */
function mediaSecondsOf(value: string, previous: number | null): number | null {
  const microseconds = Number.parseInt(value, 10);
  return Number.isFinite(microseconds) && microseconds >= 0 ? microseconds / 1e6 : previous;
}

function countOf(value: string, previous: number): number {
  const count = Number.parseInt(value, 10);
  return Number.isInteger(count) && count >= 0 ? count : previous;
}
