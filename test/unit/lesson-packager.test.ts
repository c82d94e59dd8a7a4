// The lesson packager (services/packager/lesson-packager.ts) in a temporary folder, fed by hand the
// files a segmenter (ffmpeg) leaves: its playlist, init segment and segments. No ffmpeg runs, so it
// is fast; what it checks is the packager's own work: segments scanned, numbered, hashed, moved to
// their published names and listed with their place in the lesson's time; runs as discontinuities;
// late segments left out; a shed rendition filled by hard links; the master written once every
// rendition has media and raised when a segment needs more; ENDLIST at the end; a takeover's first
// number; a write failure reported; and a lesson read back and continued after its process died.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import {
  createLessonPackager,
  hashListName,
  liveHashListName,
  masterPlaylistName,
  mediaPlaylistName,
  readPackagedLesson,
  timeShiftMasterName,
  timeShiftPlaylistName,
  type LessonPackagerOptions,
} from '../../services/packager/lesson-packager.ts';
import type { HashList } from '../../services/packager/segment-record.ts';
import { segmenterDir, segmenterPlaylistName } from '../../services/transcode/ffmpeg-args.ts';
import { chooseLadder, sourceRendition } from '../../services/transcode/ladder.ts';

let root: string;
before(async () => {
  setLogLevel('error');
  root = await mkdtemp(join(tmpdir(), 'packager-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
  setLogLevel('info');
});

const ladder = chooseLadder({ width: 1280, height: 720, fps: 30 }, 2);
const source = sourceRendition({ width: 1280, height: 720, fps: 30 }, ladder[0]!);
const startedAt = Date.UTC(2026, 11, 7, 8, 0, 0);
/** An init segment with an avcC box (High profile, level 4.0) and an AAC track: what codec-string.ts reads. */
const fakeInit = Buffer.concat([Buffer.from('\0\0\0\x10ftypiso6\0\0\0\0', 'latin1'), Buffer.from('avcC\x01\x64\x00\x28', 'latin1'), Buffer.from('mp4a', 'latin1')]);
const fakeSegment = (size: number, seed: number) => Buffer.alloc(size, seed);

let lessons = 0;
/** Closed after each test, so one that fails mid-run leaves no poll timer keeping the process alive. */
const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const packager of opened.splice(0)) packager.close();
});
const packagerFor = async (fields: Partial<LessonPackagerOptions> = {}) => {
  const lessonDir = fields.lessonDir ?? join(root, `lesson-${++lessons}`);
  for (const rendition of [...ladder, source]) await mkdir(join(lessonDir, rendition.name), { recursive: true });
  // No polling: finishRun and recoverRun scan, so the test decides when.
  const packager = createLessonPackager({ lessonDir, ladder, source, hasAudio: true, audioKbps: 128, segmentSeconds: 2, windowSize: 3, log: createLogger(), pollMs: 3_600_000, ...fields });
  opened.push(packager);
  return { lessonDir, packager };
};

/** What the run's segmenter has finished so far: `durations` segments, as ffmpeg lists them. */
async function segmenterWrites(lessonDir: string, run: number, durations: readonly number[], size = (index: number) => 1000 + index): Promise<Buffer[]> {
  const dir = segmenterDir(lessonDir, run);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'init.mp4'), fakeInit);
  const bodies = durations.map((_duration, index) => fakeSegment(size(index), run * 16 + index));
  for (const [index, body] of bodies.entries()) await writeFile(join(dir, `${index}.m4s`), body);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:3', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-MAP:URI="init.mp4"'];
  for (const [index, duration] of durations.entries()) lines.push(`#EXTINF:${duration.toFixed(6)},`, `${index}.m4s`);
  await writeFile(join(dir, segmenterPlaylistName), lines.join('\n') + '\n');
  return bodies;
}
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');
const readPlaylist = async (lessonDir: string, rendition: string, name = mediaPlaylistName) => parsePlaylist(await readFile(join(lessonDir, rendition, name), 'utf8'));

test("a run's finished segments are published under the run's names, numbered, hashed and placed in the lesson's time", async () => {
  const { lessonDir, packager } = await packagerFor();
  await packager.startRun(1, { track: 'source', startedAt });
  const bodies = await segmenterWrites(lessonDir, 1, [2, 2, 2, 1.5]);
  await packager.finishRun(1);
  assert.equal(packager.lastWriteError(), undefined);

  const segments = packager.segments('source');
  assert.deepEqual(segments.map((segment) => [segment.uri, segment.sequence, segment.programDateTime - startedAt, segment.duration]), [
    ['r1-0.m4s', 0, 0, 2],
    ['r1-1.m4s', 1, 2000, 2],
    ['r1-2.m4s', 2, 4000, 2],
    ['r1-3.m4s', 3, 6000, 1.5],
  ]);
  assert.ok(segments.every((segment) => segment.initUri === 'init-r1-source.mp4' && !segment.discontinuity));
  assert.deepEqual(segments.map((segment) => [segment.sha256, segment.bytes]), bodies.map((body) => [sha256(body), body.length]));
  assert.deepEqual(await readFile(join(lessonDir, 'source', 'r1-2.m4s')), bodies[2]);
  assert.deepEqual(await readFile(join(lessonDir, 'source', 'init-r1-source.mp4')), fakeInit);
  assert.equal(existsSync(segmenterDir(lessonDir, 1)), false, "the segmenter's folder goes once the run is finished");
  assert.equal(packager.segmentCount(), 4);

  const live = await readPlaylist(lessonDir, 'source');
  assert.deepEqual(live.segments.map((segment) => segment.uri), ['r1-1.m4s', 'r1-2.m4s', 'r1-3.m4s'], 'the live playlist is the window');
  assert.equal(live.mediaSequence, 1);
  const timeShift = await readPlaylist(lessonDir, 'source', timeShiftPlaylistName);
  assert.equal(timeShift.segments.length, 4, 'the time-shift playlist is the whole lesson');
  assert.equal(timeShift.segments[0]!.programDateTime, startedAt);
  const hashes = JSON.parse(await readFile(join(lessonDir, 'source', hashListName), 'utf8')) as HashList;
  assert.deepEqual(hashes.segments.map((entry) => entry.sha256), bodies.map(sha256));
  const liveHashes = JSON.parse(await readFile(join(lessonDir, 'source', liveHashListName), 'utf8')) as HashList;
  assert.ok(liveHashes.segments.length >= 3 && liveHashes.segments.length <= 4);
  assert.equal(existsSync(join(lessonDir, masterPlaylistName)), false, 'no master while the served renditions have no media');
});

test('a new run continues the numbering after a discontinuity; a late segment whose time the track already covers is left out', async () => {
  const { lessonDir, packager } = await packagerFor();
  await packager.startRun(1, { track: 'source', startedAt });
  await segmenterWrites(lessonDir, 1, [2, 2]);
  await packager.finishRun(1);
  // The reconnect's first frame is at 4 s, where the lesson got to; one that began at 1 s would repeat what is listed.
  await packager.startRun(2, { track: 'source', startedAt: startedAt + 4000 });
  await segmenterWrites(lessonDir, 2, [2, 2]);
  await packager.finishRun(2);
  await packager.startRun(3, { track: 'source', startedAt: startedAt + 1000 });
  await segmenterWrites(lessonDir, 3, [2]);
  await packager.finishRun(3);
  const segments = packager.segments('source');
  assert.deepEqual(segments.map((segment) => [segment.uri, segment.sequence, segment.discontinuity]), [
    ['r1-0.m4s', 0, false],
    ['r1-1.m4s', 1, false],
    ['r2-0.m4s', 2, true],
    ['r2-1.m4s', 3, false],
  ]);
  assert.equal(segments[2]!.initUri, 'init-r2-source.mp4');
  assert.equal(existsSync(join(lessonDir, 'source', 'r3-0.m4s')), false, 'the late segment is not published');
  const live = await readFile(join(lessonDir, 'source', mediaPlaylistName), 'utf8');
  assert.match(live, /#EXT-X-DISCONTINUITY\n(#EXT-X-PROGRAM-DATE-TIME:[^\n]+\n)?#EXT-X-MAP:URI="init-r2-source.mp4"/);
});

test("a rendition with no run of its own takes another track's segments as hard links; the master comes once every rendition has media", async () => {
  const { lessonDir, packager } = await packagerFor();
  const [top, lower] = [ladder[0]!.name, ladder[1]!.name];
  await packager.linkTrack(top, 'source');
  await packager.startRun(1, { track: 'source', startedAt });
  await segmenterWrites(lessonDir, 1, [2, 2]);
  await packager.finishRun(1);
  assert.deepEqual(packager.segments(top).map((segment) => segment.uri), ['r1-0.m4s', 'r1-1.m4s']);
  const [linked, original] = await Promise.all([stat(join(lessonDir, top, 'r1-0.m4s')), stat(join(lessonDir, 'source', 'r1-0.m4s'))]);
  assert.equal(linked.ino, original.ino, 'a hard link, no bytes copied');
  assert.equal(existsSync(join(lessonDir, masterPlaylistName)), false, `${lower} has nothing yet`);

  await packager.startRun(2, { track: lower, startedAt });
  await segmenterWrites(lessonDir, 2, [2, 2]);
  await packager.finishRun(2);
  const variants = async () => parsePlaylist(await readFile(join(lessonDir, masterPlaylistName), 'utf8')).playlists ?? [];
  const master = await variants();
  assert.deepEqual(master.map((variant) => variant.uri), [`${top}/${mediaPlaylistName}`, `${lower}/${mediaPlaylistName}`], 'best first, no source');
  assert.deepEqual(master.map((variant) => variant.attributes.CODECS), ['avc1.640028,mp4a.40.2', 'avc1.640028,mp4a.40.2'], "codecs read from the init segments");
  const timeShiftMaster = await readFile(join(lessonDir, timeShiftMasterName), 'utf8');
  assert.ok(timeShiftMaster.includes(`${top}/${timeShiftPlaylistName}`));

  // A segment far above the rung's rate control raises the master's BANDWIDTH, with room above it.
  const before = master[1]!.attributes.BANDWIDTH as number;
  await packager.startRun(3, { track: lower, startedAt: startedAt + 4000 });
  const huge = 4 * before / 8; // a 2 s segment at twice the advertised rate, in bytes
  await segmenterWrites(lessonDir, 3, [2], () => Math.round(huge));
  await packager.finishRun(3);
  const raised = (await variants())[1]!.attributes.BANDWIDTH as number;
  assert.ok(raised > 2 * before, `raised from ${before} to ${raised}`);
});

test('the end marks every playlist complete', async () => {
  const { lessonDir, packager } = await packagerFor();
  await packager.startRun(1, { track: 'source', startedAt });
  await segmenterWrites(lessonDir, 1, [2]);
  await packager.finishRun(1);
  await packager.end();
  for (const name of [mediaPlaylistName, timeShiftPlaylistName]) assert.match(await readFile(join(lessonDir, 'source', name), 'utf8'), /#EXT-X-ENDLIST\n$/, name);
  assert.equal(existsSync(join(lessonDir, ladder[0]!.name, mediaPlaylistName)), false, 'a rendition with no segments gets no playlist');
});

test("a lesson taken over from a node that went down starts at its first sequence, after a discontinuity", async () => {
  const { lessonDir, packager } = await packagerFor({ firstSequence: 500 });
  await packager.startRun(7, { track: 'source', startedAt });
  await segmenterWrites(lessonDir, 7, [2, 2]);
  await packager.finishRun(7);
  assert.deepEqual(packager.segments('source').map((segment) => [segment.sequence, segment.discontinuity]), [
    [500, true],
    [501, false],
  ]);
});

test('a scan that cannot write says why, and the segments are published once it can', async () => {
  const { lessonDir, packager } = await packagerFor({ pollMs: 20 });
  await packager.startRun(1, { track: 'source', startedAt });
  // The rendition's folder is not a folder: every write into it fails until it is one again.
  await rm(join(lessonDir, 'source'), { recursive: true });
  await writeFile(join(lessonDir, 'source'), 'not a folder');
  await segmenterWrites(lessonDir, 1, [2, 2]);
  await waitUntil(() => packager.lastWriteError() !== undefined);
  assert.equal(packager.lastWriteError()?.code, 'ENOTDIR');
  assert.equal(packager.segmentCount(), 0);
  await rm(join(lessonDir, 'source'));
  await mkdir(join(lessonDir, 'source'));
  // Cleared by the scan that succeeds (the wait fails if it never is).
  await waitUntil(() => packager.segmentCount() === 2 && packager.lastWriteError() === undefined);
  await packager.finishRun(1);
  assert.deepEqual(packager.segments('source').map((segment) => segment.uri), ['r1-0.m4s', 'r1-1.m4s']);
});

test('after its process died, a lesson is read back from its folder and continued: numbers carry on, a dead run is recovered', async () => {
  const { lessonDir, packager } = await packagerFor({ pollMs: 20 });
  await packager.startRun(1, { track: 'source', startedAt });
  const published = await segmenterWrites(lessonDir, 1, [2, 2]);
  await packager.finishRun(1);
  // Run 2 published one segment, then its process died while its segmenter finished two more.
  await packager.startRun(2, { track: 'source', startedAt: startedAt + 4000 });
  await segmenterWrites(lessonDir, 2, [2]);
  await waitUntil(() => packager.segmentCount() === 3);
  packager.close();
  const run2 = await segmenterWrites(lessonDir, 2, [2, 2, 2]);

  const restored = await readPackagedLesson(lessonDir, [...ladder, source]);
  assert.equal(restored.lastRun, 2);
  assert.deepEqual(restored.leftoverRuns, [2]);
  assert.deepEqual(restored.renditions.get('source')!.segments.map((segment) => [segment.uri, segment.sequence, segment.sha256]), [
    ['r1-0.m4s', 0, sha256(published[0]!)],
    ['r1-1.m4s', 1, sha256(published[1]!)],
    ['r2-0.m4s', 2, sha256(run2[0]!)],
  ]);
  assert.equal(restored.renditions.get('source')!.codecs, 'avc1.640028,mp4a.40.2');
  assert.ok(restored.lastWriteAt > 0);

  const { packager: continued } = await packagerFor({ lessonDir, restored });
  assert.equal(await continued.recoverRun(2), 2, 'the two segments nobody published, not the one already out');
  assert.equal(existsSync(segmenterDir(lessonDir, 2)), false);
  assert.deepEqual(continued.segments('source').map((segment) => [segment.uri, segment.sequence, segment.programDateTime - startedAt, segment.sha256]), [
    ['r1-0.m4s', 0, 0, sha256(published[0]!)],
    ['r1-1.m4s', 1, 2000, sha256(published[1]!)],
    ['r2-0.m4s', 2, 4000, sha256(run2[0]!)],
    ['r2-1.m4s', 3, 6000, sha256(run2[1]!)],
    ['r2-2.m4s', 4, 8000, sha256(run2[2]!)],
  ]);
  await continued.startRun(3, { track: 'source', startedAt: startedAt + 10_000 });
  await segmenterWrites(lessonDir, 3, [2]);
  await continued.finishRun(3);
  assert.deepEqual(continued.segments('source').at(-1)!.sequence, 5, 'the next run carries on after them');
  assert.equal((await readPlaylist(lessonDir, 'source', timeShiftPlaylistName)).segments.length, 6);
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 1000) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
