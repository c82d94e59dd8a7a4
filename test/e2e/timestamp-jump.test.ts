// An encoder whose clock jumps 10 s forward 20 s into a lesson while its media goes on (seen with
// real encoders after a network hiccup), pushed for real over RTMP by ffmpeg. Every segment of the
// source copy (the recording, and the top rendition), of every rendition and of the replay is
// decoded by ffprobe: each has audio over all of its video's time, no frame held over a hole, and an
// EXTINF that is its media's length; each track lasts as long as the encoder pushed (not 10 s more),
// and the renditions' segments start where the source's do. Then Shaka Player (test/helpers/
// shaka-page.ts) plays the replay in Chromium from its start to its end, across where the jump was.
//
// Stalls: the longest time the picture stood still once playing must stay under a second (half a
// segment), whatever Shaka did about it; a gap Shaka jumps would itself be a hole in the media, and
// the ffprobe checks above already refuse any, so Shaka is expected to jump none, and it is
// reported (gapsJumped) rather than asserted, as its own judgement of a few ms at a variant switch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { replaysOfLessons } from '../../services/catalog/queries/recordings.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { timeShiftPlaylistName } from '../../services/packager/lesson-packager.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fetchBytes, fetchText, probeTrackTimes, pushWithTimestampJump } from '../helpers/media.ts';
import { mediaPlaylistProblems } from '../helpers/playlist-conformance.ts';
import { shakaState, startPageServer, type ShakaState } from '../helpers/shaka-page.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'jump-room-secret-key';
const pushSeconds = 36;
const jumpAtSeconds = 20;
const jumpSeconds = 10;
/** The default latency mode's segments, and the encoder's GOP. */
const segmentSeconds = 2;
/** An AAC frame is 23 ms at 44.1 kHz: audio may start or end this far from the video. */
const edgeSeconds = 0.05;
/** The longest stand-still allowed in Shaka once playing. */
const longestStallMs = 1000;

/** A playlist and where its files come from (the source copy is read from disk: it is served nowhere). */
type Track = { name: string; text: string; file(uri: string): Promise<Buffer> };

type TrackReport = { problems: string[]; rows: string[]; seconds: number; worstCoverage: number; starts: number[] };

/** Decodes every segment of a track and says what is wrong with any (see the file's comment). */
async function checkTrack(track: Track): Promise<TrackReport> {
  const playlist = parsePlaylist(track.text);
  const problems = mediaPlaylistProblems(track.text).map((problem) => `${track.name}: ${problem}`);
  const rows: string[] = [];
  const inits = new Map<string, Buffer>();
  let worstCoverage = 1;
  for (const segment of playlist.segments) {
    const initUri = segment.map!.uri;
    if (!inits.has(initUri)) inits.set(initUri, await track.file(initUri));
    const { video, audio } = await probeTrackTimes(inits.get(initUri)!, await track.file(segment.uri));
    const where = `${track.name} ${segment.uri} (EXTINF ${segment.duration})`;
    if (!video) {
      problems.push(`${where}: no video`);
      continue;
    }
    const videoSeconds = video.end - video.start;
    // How much of the video's time has audio: the overlap, less the longest hole in the audio.
    const covered = audio ? Math.max(0, Math.min(audio.end, video.end) - Math.max(audio.start, video.start) - audio.longestHole) : 0;
    const coverage = covered / videoSeconds;
    worstCoverage = Math.min(worstCoverage, coverage);
    rows.push(`${where}: video ${video.start.toFixed(3)}-${video.end.toFixed(3)}, audio ${audio ? `${audio.start.toFixed(3)}-${audio.end.toFixed(3)} (longest hole ${audio.longestHole.toFixed(3)})` : 'none'}, coverage ${(coverage * 100).toFixed(1)} %`);
    if (!audio) problems.push(`${where}: no audio`);
    else if (audio.start > video.start + edgeSeconds || audio.end < video.end - edgeSeconds || audio.longestHole > edgeSeconds) {
      problems.push(`${where}: audio ${audio.start.toFixed(3)}-${audio.end.toFixed(3)} with a hole of ${audio.longestHole.toFixed(3)} s does not cover the video ${video.start.toFixed(3)}-${video.end.toFixed(3)}`);
    }
    if (video.longestStep > 0.1) problems.push(`${where}: a frame held ${video.longestStep.toFixed(3)} s`);
    if (Math.abs(segment.duration - videoSeconds) > 0.1) problems.push(`${where}: EXTINF is not the ${videoSeconds.toFixed(3)} s of video the segment holds`);
    if (segment.duration > segmentSeconds * 1.25) problems.push(`${where}: longer than a ${segmentSeconds} s GOP`);
  }
  return {
    problems,
    rows,
    seconds: playlist.segments.reduce((sum, segment) => sum + segment.duration, 0),
    worstCoverage,
    starts: playlist.segments.map((segment) => segment.programDateTime!),
  };
}

describe('an encoder whose timestamps jump 10 s forward mid-lesson', () => {
  let ingest: TestIngest;
  let browser: Browser;
  let pages: Server | undefined;
  let lessonId: string;
  let recordingId: string;
  let renditions: string[];

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-jump', key }], ingest: { reconnectGraceSeconds: 2 } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    pages?.close();
    pages?.closeAllConnections();
    await ingest?.stop();
  });

  it('every segment of the source copy, the renditions and the replay has audio over its video and no hole, each track as long as the push', async () => {
    const encoder = pushWithTimestampJump(ingest.rtmpUrl(key), { durationSeconds: pushSeconds, jumpAtSeconds, jumpSeconds });
    try {
      lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 20_000);
      assert.equal(await encoder.exited, 0, encoder.stderrTail());
    } finally {
      await encoder.stop();
    }
    recordingId = await waitFor('the replay', async () => (await replaysOfLessons(ingest.db, [lessonId])).get(lessonId)?.[0]?.recordingId, 60_000);

    const live = `${ingest.baseUrl}/live/${lessonId}`;
    const vod = `${ingest.baseUrl}/vod/${recordingId}`;
    const master = parsePlaylist((await fetchText(`${live}/master.m3u8`)).text);
    renditions = (master.playlists ?? []).map((variant) => variant.uri.split('/')[0]!);
    assert.ok(renditions.length >= 2, `renditions ${renditions.join(', ')}`);
    const sourceDir = join(ingest.ingest.liveDir, lessonId, 'source');
    const tracks: Track[] = [
      { name: 'source', text: await readFile(join(sourceDir, timeShiftPlaylistName), 'utf8'), file: (uri) => readFile(join(sourceDir, uri)) },
      ...(await Promise.all(
        renditions.map(async (rendition) => ({ name: rendition, text: (await fetchText(`${live}/${rendition}/${timeShiftPlaylistName}`)).text, file: (uri: string) => fetchBytes(`${live}/${rendition}/${uri}`) })),
      )),
      ...(await Promise.all(
        renditions.map(async (rendition) => ({ name: `replay ${rendition}`, text: (await fetchText(`${vod}/${rendition}/index.m3u8`)).text, file: (uri: string) => fetchBytes(`${vod}/${rendition}/${uri}`) })),
      )),
    ];
    const reports = new Map<string, TrackReport>();
    for (const track of tracks) reports.set(track.name, await checkTrack(track));
    for (const [name, report] of reports) process.stdout.write(`# ${name}: ${report.rows.length} segments, ${report.seconds.toFixed(3)} s, worst audio coverage ${(report.worstCoverage * 100).toFixed(1)} %\n`);
    const problems = [...reports.values()].flatMap((report) => report.problems);
    const detail = [...reports.values()].flatMap((report) => report.rows).join('\n');
    assert.equal(problems.length, 0, `${problems.join('\n')}\n\nevery segment:\n${detail}`);
    for (const [name, report] of reports) {
      // The first run starts at the encoder's first keyframe; the last segment may be cut short.
      assert.ok(Math.abs(report.seconds - pushSeconds) <= segmentSeconds, `${name} lasts ${report.seconds} s for a ${pushSeconds} s push (${jumpSeconds} s more is the jump left in)`);
    }
    // Each rendition's segments start where the source's do (the same frames), so a player switching
    // between them, or a rendition taking the source's segments, finds the same times.
    const sourceStarts = reports.get('source')!.starts;
    for (const rendition of renditions) {
      const misplaced = reports.get(rendition)!.starts.filter((start) => !sourceStarts.some((other) => Math.abs(other - start) <= 100));
      assert.deepEqual(misplaced.map((start) => new Date(start).toISOString()), [], `${rendition} segments starting where no source segment does`);
    }
  });

  it('Shaka Player plays the replay from its start to its end across the jump without a stall', async () => {
    const served = await startPageServer(`${ingest.baseUrl}/vod/${recordingId}/master.m3u8`);
    pages = served.server;
    const tab = await browser.newPage();
    try {
      await tab.goto(served.url);
      const describe = (state: ShakaState) => [`currentTime ${state.currentTime.toFixed(1)} of ${state.duration}, ${state.height}p`, `stalls over 300 ms: ${JSON.stringify(state.stalls)}`, `shaka stats: ${JSON.stringify(state.stats)}`, ...state.log].join('\n');
      // Played to its end, or stopped for good: what the page saw either way.
      const deadline = Date.now() + (pushSeconds + 60) * 1000;
      let end = await shakaState(tab);
      while (end.errors.length === 0 && !end.ended && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        end = await shakaState(tab);
      }
      assert.deepEqual(end.errors, [], describe(end));
      assert.ok(end.ended, `the replay did not play to its end:\n${describe(end)}`);
      const longest = Math.max(0, ...end.stalls.map((stall) => stall.ms));
      process.stdout.write(`# Shaka on the replay: duration ${end.duration.toFixed(3)} s, played ${end.playingSeconds.toFixed(1)} s, longest stall ${longest} ms, stalls over 300 ms ${end.stalls.length}, gaps jumped ${end.stats.gapsJumped}, stalls detected ${end.stats.stallsDetected}\n`);
      assert.ok(Math.abs(end.duration - pushSeconds) <= segmentSeconds, `the replay lasts ${end.duration} s in Shaka for a ${pushSeconds} s push`);
      assert.ok(longest <= longestStallMs, `longest stall ${longest} ms:\n${describe(end)}`);
      assert.ok(end.height > 0, 'a picture was decoded');
    } finally {
      await tab.close();
    }
  });
});
