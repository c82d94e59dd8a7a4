// The ingest process is killed (-9) mid-lesson and started again: the lesson continues in the same
// recording. Every segment listed before the kill is still listed after, under the same name and
// sequence number; media sequences never go backwards; a discontinuity separates the runs; every
// listed segment is whole (its bytes match the hash list); and the replay made when the lesson ends
// holds segments from both sides of the crash. A clean stop (SIGINT) then leaves the lesson live as
// the kill did, for the next start to adopt. The ingest runs as a real child process
// (`classcast ingest`) over a throwaway PostgreSQL, which outlives it as a real catalog would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { parsePlaylist, type ParsedPlaylist } from '../../services/core/parse-playlist.ts';
import type { HashList } from '../../services/packager/segment-record.ts';
import { freshPostgresUrl, stopTestPostgres } from '../helpers/databases.ts';
import { fetchBytes, fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';

const bin = new URL('../../bin/classcast.js', import.meta.url).pathname;
const key = 'room-7-restart-key';
const renditionNames = ['480p', '360p'];

type Listed = { sequence: number; uri: string; discontinuity: boolean };
type LessonList = { lessons: Array<{ id: string; state: string; classroomId: string }> };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listed(playlist: ParsedPlaylist): Listed[] {
  const first = playlist.mediaSequence ?? 0;
  return playlist.segments.map((segment, index) => ({ sequence: first + index, uri: segment.uri, discontinuity: Boolean(segment.discontinuity) }));
}

describe('an ingest killed mid-lesson and started again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'classcast-restart-'));
  const configPath = join(dataDir, 'classcast.json');
  let databaseUrl: string;
  let db: Database;
  let httpPort: number;
  let rtmpPort: number;
  let child: ChildProcess | undefined;
  let output = '';
  const base = () => `http://127.0.0.1:${httpPort}`;

  const startIngest = async () => {
    const started = spawn('node', [bin, 'ingest', '--config', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = started;
    await waitFor('the ingest to answer /healthz', async () => (await fetch(`${base()}/healthz`)).ok, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${output.slice(-3000)}`);
    });
    return started;
  };
  const listLessons = async () => ((await (await fetch(`${base()}/api/v1/ingest/lessons?state=all`)).json()) as LessonList).lessons;
  const timeShift = (lessonId: string, rendition: string) => fetchPlaylist(`${base()}/live/${lessonId}/${rendition}/timeshift.m3u8`);

  before(async () => {
    setLogLevel('warn');
    databaseUrl = await freshPostgresUrl();
    db = await openDatabase({ databaseUrl, dataDir }, createLogger({ role: 'test' }));
    [httpPort, rtmpPort] = [await freePort(), await freePort()];
    writeFileSync(
      configPath,
      JSON.stringify({
        dataDir,
        node: { id: 'province-restart' },
        http: { host: '127.0.0.1', port: httpPort },
        rtmp: { host: '127.0.0.1', port: rtmpPort },
        classrooms: [{ id: 'room-7', key }],
        ingest: { reconnectGraceSeconds: 60, latencyMode: 'low' },
        transcode: { maxRenditions: 2 },
        p2p: { enabled: false },
      }),
    );
  });
  after(async () => {
    child?.kill('SIGKILL');
    await db?.close();
    await stopTestPostgres();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every written segment, continues the same lesson and recording, and replays both sides', async () => {
    const first = await startIngest();
    const encoder = pushTestPattern(`rtmp://127.0.0.1:${rtmpPort}/live/${key}`, { width: 854, height: 480, fps: 25 });
    let lessonId: string;
    let beforeKill: Map<string, Listed[]>;
    let liveSequenceBefore: number;
    try {
      lessonId = await waitFor('the lesson', async () => (await listLessons())[0]?.id, 30_000);
      await waitFor('five segments in every rendition', async () => {
        for (const rendition of renditionNames) if ((await timeShift(lessonId, rendition)).segments.length < 5) return false;
        return true;
      }, 40_000);
      beforeKill = new Map();
      for (const rendition of renditionNames) beforeKill.set(rendition, listed(await timeShift(lessonId, rendition)));
      liveSequenceBefore = (await fetchPlaylist(`${base()}/live/${lessonId}/${renditionNames[0]}/index.m3u8`)).mediaSequence ?? 0;
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
    } finally {
      encoder.kill();
      await encoder.exited;
    }
    const recordingsBefore = await db.query<{ id: string; state: string }>('select id, state from recordings where lesson_id = $1', [lessonId]);
    assert.deepEqual(recordingsBefore.map((row) => row.state), ['recording']);

    await startIngest();
    const waiting = (await listLessons()).find((lesson) => lesson.id === lessonId);
    assert.equal(waiting?.state, 'reconnecting', 'the restarted node waits for the classroom instead of ending its lesson');
    const segmenterRoot = join(dataDir, 'live', lessonId, '.segmenter');
    assert.deepEqual(existsSync(segmenterRoot) ? readdirSync(segmenterRoot) : [], [], 'the dead run\'s segmenter folder is cleaned up');

    const second = pushTestPattern(`rtmp://127.0.0.1:${rtmpPort}/live/${key}`, { width: 854, height: 480, fps: 25 });
    let afterResume: Map<string, Listed[]>;
    try {
      const lastRunBefore = Math.max(...beforeKill.get(renditionNames[0]!)!.map((segment) => Number(/^r(\d+)-/.exec(segment.uri)![1])));
      const isNewRun = (uri: string) => Number(/^r(\d+)-/.exec(uri)![1]) > lastRunBefore;
      await waitFor('three segments of the new run in every rendition', async () => {
        for (const rendition of renditionNames) if ((await timeShift(lessonId, rendition)).segments.filter((segment) => isNewRun(segment.uri)).length < 3) return false;
        return true;
      }, 40_000);
      afterResume = new Map();
      for (const rendition of renditionNames) afterResume.set(rendition, listed(await timeShift(lessonId, rendition)));
      const live = await fetchPlaylist(`${base()}/live/${lessonId}/${renditionNames[0]}/index.m3u8`);
      assert.ok((live.mediaSequence ?? 0) >= liveSequenceBefore, `the live media sequence went from ${liveSequenceBefore} to ${live.mediaSequence}`);

      for (const rendition of renditionNames) {
        const now = afterResume.get(rendition)!;
        const bySequence = new Map(now.map((segment) => [segment.sequence, segment.uri]));
        for (const segment of beforeKill.get(rendition)!) {
          assert.equal(bySequence.get(segment.sequence), segment.uri, `${rendition}: segment ${segment.sequence} (${segment.uri}) is still listed under its name`);
        }
        for (let index = 1; index < now.length; index++) assert.equal(now[index]!.sequence, now[index - 1]!.sequence + 1);
        const firstNew = now.findIndex((segment) => isNewRun(segment.uri));
        assert.ok(firstNew > 0 && now[firstNew]!.discontinuity, `${rendition}: a discontinuity opens the run after the restart`);
        // Every listed segment is whole: served bytes match the hash list's.
        const hashes = (await (await fetch(`${base()}/live/${lessonId}/${rendition}/hashes.json`)).json()) as HashList;
        const hashOf = new Map(hashes.segments.map((entry) => [entry.uri, entry]));
        for (const segment of now) {
          const body = await fetchBytes(`${base()}/live/${lessonId}/${rendition}/${segment.uri}`);
          const expected = hashOf.get(segment.uri);
          assert.ok(expected, `${segment.uri} is in the hash list`);
          assert.equal(body.length, expected.bytes);
          assert.equal(createHash('sha256').update(body).digest('hex'), expected.sha256, `${rendition}/${segment.uri} is whole`);
        }
      }
    } finally {
      await second.stop();
    }

    // A clean stop leaves the lesson as the kill did: live, its recording open, its playlists not ended.
    child!.kill('SIGINT');
    await new Promise((resolve) => child!.once('exit', resolve));
    const stillLive = await db.query<{ state: string }>('select state from lessons where id = $1', [lessonId]);
    assert.equal(stillLive[0]?.state, 'live', 'a clean stop does not end the lesson');
    assert.deepEqual((await db.query<{ state: string }>('select state from recordings where lesson_id = $1', [lessonId])).map((row) => row.state), ['recording']);
    assert.doesNotMatch(readFileSync(join(dataDir, 'live', lessonId, renditionNames[0]!, 'index.m3u8'), 'utf8'), /#EXT-X-ENDLIST/);

    // Started again with a short grace period, the node adopts the lesson and, with no encoder back,
    // ends it: its recording becomes a replay holding both sides of the crash.
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('"reconnectGraceSeconds":60', '"reconnectGraceSeconds":2'));
    await startIngest();
    const recordings = await waitFor('the recording made into a replay', async () => {
      const rows = await db.query<{ id: string; state: string; segment_count: number }>('select id, state, segment_count from recordings where lesson_id = $1', [lessonId]);
      return rows.every((row) => row.state !== 'recording') ? rows : undefined;
    }, 30_000);
    assert.deepEqual(recordings.map((row) => [row.id, row.state]), [[recordingsBefore[0]!.id, 'ready']], 'the same recording, made into a replay');
    const replay = parsePlaylist(readFileSync(join(dataDir, 'vod', recordings[0]!.id, renditionNames[0]!, 'index.m3u8'), 'utf8'));
    const replayUris = new Set(replay.segments.map((segment) => segment.uri));
    for (const segment of beforeKill.get(renditionNames[0]!)!) assert.ok(replayUris.has(segment.uri), `the replay holds ${segment.uri} from before the crash`);
    for (const segment of afterResume.get(renditionNames[0]!)!) assert.ok(replayUris.has(segment.uri), `the replay holds ${segment.uri}`);
    assert.ok(replay.segments.some((segment) => segment.discontinuity));
    assert.equal(replay.endList, true);
    assert.match(output, /lesson interrupted by a restart of this node/);
  });
});
