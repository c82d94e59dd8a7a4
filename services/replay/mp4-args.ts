// The ffmpeg command that makes a replay's downloadable MP4 without re-encoding. Pure, so the
// arguments and the progress parsing are tested without ffmpeg.
//
// Each encoder run of the replay is its init segment followed by its media segments, which read as
// one fragmented MP4 through ffmpeg's concat protocol; the runs are joined by the concat demuxer,
// which lays their timestamps end to end (each run's clock starts again at a reconnect). `-c copy`
// keeps every frame as encoded, and faststart puts the index first so a player can start before
// the whole file has downloaded.
import type { PackagedSegment } from '../packager/media-playlist.ts';

/** A path ffconcat and the concat protocol can carry as they are: no quote, no `|`, no newline. */
const plainPath = /^[^'|\n\r]+$/;

/** The ffconcat list: one entry per encoder run, in order. `dir` holds the rendition's files. */
export function mp4ConcatList(dir: string, segments: readonly PackagedSegment[]): string {
  if (segments.length === 0) throw new Error('a replay with no segments has no MP4');
  const runs: string[][] = [];
  let currentInit: string | undefined;
  for (const segment of segments) {
    if (segment.initUri !== currentInit || segment.discontinuity) {
      runs.push([`${dir}/${segment.initUri}`]);
      currentInit = segment.initUri;
    }
    runs.at(-1)!.push(`${dir}/${segment.uri}`);
  }
  for (const path of runs.flat()) if (!plainPath.test(path)) throw new Error(`cannot pass ${JSON.stringify(path)} to ffmpeg's concat`);
  return ['ffconcat version 1.0', ...runs.map((files) => `file 'concat:${files.join('|')}'`)].join('\n') + '\n';
}

export function mp4Args(listPath: string, outputPath: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'concat', '-safe', '0', '-protocol_whitelist', 'file,concat',
    '-i', listPath,
    '-map', '0', '-c', 'copy',
    '-movflags', '+faststart',
    '-f', 'mp4',
    // Progress as key=value lines on stdout, one block about every half second.
    '-progress', 'pipe:1', '-stats_period', '0.5',
    '-y', outputPath,
  ];
}

/** Percent done (0-100) from one `-progress` line, or undefined for the lines that don't tell. */
export function progressFromLine(line: string, durationSeconds: number): number | undefined {
  const match = /^out_time_us=(\d+)$/.exec(line.trim());
  if (!match || durationSeconds <= 0) return undefined;
  const percent = (Number(match[1]) / 1e6 / durationSeconds) * 100;
  // 100 only once ffmpeg has finished and the file is in place (faststart still rewrites it after the last frame).
  return Math.min(99, Math.max(0, Math.round(percent * 10) / 10));
}
