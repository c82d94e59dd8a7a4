// A data disk that fills up, then one that turns read-only, under a live lesson: the run ends with a
// 'disk full' alarm while its playlists are still whole, new publishes are refused with a clear
// reason, what is on disk keeps being served, and no file of the lesson changes afterwards. The
// disk is a real, small tmpfs (mounting needs root; the test is skipped, saying so, without it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogSink } from '../../services/core/log.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import type { HashList } from '../../services/packager/segment-record.ts';
import { fetchBytes, fetchText, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'room-9-disk-full-key';
const diskBytes = 32 * 1024 * 1024;

function tryMount(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${diskBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}); run as root`;
  }
}

/** sha-256 of every file under `dir`, by path: what "nothing changed" is checked against. */
function fingerprint(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    hashes.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return hashes;
}

const mountPoint = mkdtempSync(join(tmpdir(), 'classcast-disk-'));
const skip = tryMount(mountPoint);

describe('a full or unwritable data disk', { skip: skip ?? false }, () => {
  const dataDir = join(mountPoint, 'data');
  const logLines: string[] = [];
  let restoreSink: () => void;
  let ingest: TestIngest;
  let lessonId: string;
  const listLessons = async () =>
    ((await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=all`)).json()) as { lessons: Array<{ id: string; state: string }> }).lessons;

  /** Every rendition's playlists parse, and every segment they list is served whole (its bytes match the hash list). */
  const assertServedWhole = async () => {
    const master = await fetchText(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`);
    assert.equal(master.status, 200);
    for (const variant of parsePlaylist(master.text).playlists ?? []) {
      const rendition = variant.uri.split('/')[0]!;
      const live = await fetchText(`${ingest.baseUrl}/live/${lessonId}/${rendition}/index.m3u8`);
      const timeShift = parsePlaylist((await fetchText(`${ingest.baseUrl}/live/${lessonId}/${rendition}/timeshift.m3u8`)).text);
      assert.equal(live.status, 200);
      parsePlaylist(live.text);
      const hashes = (await (await fetch(`${ingest.baseUrl}/live/${lessonId}/${rendition}/hashes.json`)).json()) as HashList;
      const hashOf = new Map(hashes.segments.map((entry) => [entry.uri, entry.sha256]));
      assert.ok(timeShift.segments.length > 0);
      for (const segment of timeShift.segments) {
        const body = await fetchBytes(`${ingest.baseUrl}/live/${lessonId}/${rendition}/${segment.uri}`);
        assert.equal(createHash('sha256').update(body).digest('hex'), hashOf.get(segment.uri), `${rendition}/${segment.uri} is whole`);
      }
    }
  };

  /** A publish now is refused: the encoder is dropped, no run starts, and not one file of the lesson changes. */
  const assertPublishRefused = async (reason: RegExp) => {
    // The ended run's last writes (its final playlists, its segmenter folder going) may still be
    // under way on a busy machine: what a refused publish must not change is what they leave.
    let before = fingerprint(join(dataDir, 'live', lessonId));
    // Unchanged over 2 s: the first comparison is 2 s after the first reading too.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await waitFor(
      'the lesson\'s files to settle',
      () => {
        const now = fingerprint(join(dataDir, 'live', lessonId));
        const settled = now.size === before.size && [...now].every(([path, hash]) => before.get(path) === hash);
        before = now;
        return settled || undefined;
      },
      60_000,
      2000,
    );
    logLines.length = 0;
    const encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 854, height: 480, fps: 25 });
    try {
      await waitFor('the publish to be refused', () => logLines.find((line) => /publish refused/.test(line)), 20_000);
    } finally {
      encoder.kill();
      await encoder.exited;
    }
    assert.match(logLines.find((line) => /publish refused/.test(line))!, reason);
    assert.equal((await listLessons()).find((lesson) => lesson.id === lessonId)?.state, 'reconnecting');
    assert.deepEqual(fingerprint(join(dataDir, 'live', lessonId)), before);
  };

  before(async () => {
    restoreSink = setLogSink((line) => logLines.push(line));
    ingest = await startTestIngest({
      dataDir,
      classrooms: [{ id: 'room-9', key }],
      ingest: { latencyMode: 'low', reconnectGraceSeconds: 600 },
      transcode: { maxRenditions: 2 },
    });
  });
  after(async () => {
    execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
    await ingest?.close();
    restoreSink?.();
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('ends the run that fills the disk with whole playlists, refuses new publishes, and keeps serving', async () => {
    // Leave about 4 MiB above the alarm threshold (5% of this disk), so the lesson fills it in seconds.
    const { bavail, bsize } = statfsSync(dataDir);
    const threshold = Math.floor(diskBytes * 0.05);
    writeFileSync(join(mountPoint, 'filler'), Buffer.alloc(bavail * bsize - threshold - 4 * 1024 * 1024));
    assert.equal(ingest.ingest.diskState().ok, true);

    const encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 854, height: 480, fps: 25 });
    try {
      lessonId = await waitFor('the lesson', async () => (await listLessons())[0]?.id, 30_000);
      await waitFor('the disk alarm', () => ingest.ingest.diskState().alarm === 'full', 90_000, 200);
      await waitFor('the run to end', async () => (await listLessons())[0]?.state === 'reconnecting', 20_000);
    } finally {
      encoder.kill();
      await encoder.exited;
    }
    assert.ok(logLines.some((line) => /"event":"disk full"/.test(line) && /kept free/.test(line)), 'the alarm is logged, saying why');
    assert.match(ingest.ingest.diskState().reason ?? '', /MiB free .* under the .* kept free/);
    await assertServedWhole();
    await assertPublishRefused(/disk full/);
    await assertServedWhole();
  });

  it('refuses publishes on a disk that turned read-only, and keeps serving', async () => {
    rmSync(join(mountPoint, 'filler'));
    await waitFor('the alarm to clear', () => ingest.ingest.diskState().ok, 20_000, 200);
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    await waitFor('the unwritable alarm', () => ingest.ingest.diskState().alarm === 'unwritable', 20_000, 200);
    assert.match(ingest.ingest.diskState().reason ?? '', /EROFS/);
    assert.ok(logLines.some((line) => /"event":"disk unwritable"/.test(line)));
    await assertPublishRefused(/disk unwritable/);
    await assertServedWhole();
  });
});
