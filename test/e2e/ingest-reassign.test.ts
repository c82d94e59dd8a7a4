// Two real ingest nodes on one PostgreSQL, each its own `classcast ingest` process, and the catalog
// API as a `classcast catalog` process on the same database. Real ffmpeg pushes RTMP to the node the
// assignment API names; a push to the other node meanwhile is refused (assigned-elsewhere). The
// carrying node is then SIGKILLed: within the down bound the API names the other node, and the push
// there continues the same lesson, its live playlist numbered above anything the dead node showed,
// after a discontinuity.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { listIngestNodes } from '../../services/catalog/ingest/ingest-nodes.ts';
import { openPgDatabase } from '../../services/catalog/db/pg-database.ts';
import { freePort } from '../../services/core/port-check.ts';
import { freshPostgresUrl, stopTestPostgres } from '../helpers/databases.ts';
import { fetchPlaylist, fetchText, pushTestPattern } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';

const bin = new URL('../../bin/classcast.js', import.meta.url).pathname;
const classroomId = 'room-reassign';
const streamKey = 'reassign-key-0123456789';
const heartbeatSeconds = 0.5;
const nodeDownSeconds = 2;

type Node = { id: string; http: string; child: ChildProcess; output(): string };

describe('ingest nodes: assignment, refusal and takeover across two processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'classcast-reassign-'));
  const nodes = new Map<string, Node>();
  const encoders: DemoEncoder[] = [];
  let catalog: Node;
  let db: Database;

  /** Starts `classcast <role>` with its own YAML file and waits for its /healthz. */
  const start = async (role: 'catalog' | 'ingest', id: string, databaseUrl: string): Promise<Node> => {
    const httpPort = await freePort();
    const rtmpPort = await freePort();
    const config = {
      node: { id },
      databaseUrl,
      dataDir: join(dir, id),
      http: { host: '127.0.0.1', port: httpPort },
      rtmp: { host: '127.0.0.1', port: rtmpPort },
      log: { level: 'info' },
      demo: { enabled: false },
      classrooms: role === 'ingest' ? [{ id: classroomId, key: streamKey }] : [],
      ingest: { latencyMode: 'low', heartbeatSeconds, nodeDownSeconds },
      transcode: { maxRenditions: 1, preset: 'ultrafast' },
    };
    const file = join(dir, `${id}.yml`);
    writeFileSync(file, toYaml(config));
    const child = spawn('node', [bin, role, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const node = { id, http: `http://127.0.0.1:${httpPort}`, child, output: () => output };
    await waitFor(`${id} to answer /healthz`, async () => (await fetch(`${node.http}/healthz`).catch(() => undefined))?.ok, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    return node;
  };

  const assignment = async () => {
    const response = await fetch(`${catalog.http}/api/v1/ingest/assignment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ streamKey }) });
    return { status: response.status, body: (await response.json()) as { classroomId: string; node: string; rtmpUrl: string; pushUrl: string } };
  };
  const liveLesson = async (node: Node) => {
    const answer = (await (await fetch(`${node.http}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string; classroomId: string; renditions: string[] }> };
    return answer.lessons.find((lesson) => lesson.classroomId === classroomId && lesson.renditions.length > 0);
  };
  /** The highest media sequence number the node's live playlist lists now. */
  const lastSequence = async (node: Node, lessonId: string, rendition: string) => {
    const playlist = await fetchPlaylist(`${node.http}/live/${lessonId}/${rendition}/index.m3u8`);
    return { last: (playlist.mediaSequence ?? 0) + playlist.segments.length - 1, playlist };
  };
  const refusals = async (node: Node) => {
    const { text } = await fetchText(`${node.http}/metrics`);
    return Number(/^classcast_rtmp_refusals_total\{[^}]*reason="assigned-elsewhere"[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 'NaN');
  };

  before(async () => {
    const databaseUrl = await freshPostgresUrl();
    catalog = await start('catalog', 'catalog-1', databaseUrl);
    const [first, second] = await Promise.all([start('ingest', 'ingest-1', databaseUrl), start('ingest', 'ingest-2', databaseUrl)]);
    nodes.set(first.id, first);
    nodes.set(second.id, second);
    db = await openPgDatabase(databaseUrl);
  });
  after(async () => {
    for (const encoder of encoders) encoder.kill();
    for (const node of [...nodes.values(), catalog]) node?.child.kill('SIGKILL');
    await db?.close();
    await stopTestPostgres();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the push goes where the API says; the other node refuses it; after a SIGKILL the lesson continues on the other node', async () => {
    await waitFor('both nodes up in the catalog', async () => (await listIngestNodes(db, nodeDownSeconds)).filter((node) => node.up).length === 2, 20_000);
    const first = await assignment();
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.classroomId, classroomId);
    const carrier = nodes.get(first.body.node)!;
    const other = [...nodes.values()].find((node) => node !== carrier)!;
    assert.ok(carrier && other, `assigned ${first.body.node}`);
    assert.equal(first.body.pushUrl, `${first.body.rtmpUrl}/${streamKey}`);

    encoders.push(pushTestPattern(first.body.pushUrl, { width: 640, height: 360, fps: 15 }));
    const lesson = await waitFor('the lesson live on the assigned node', () => liveLesson(carrier), 40_000);
    const rendition = lesson.renditions[0]!;
    await waitFor('segments in its live playlist', async () => ((await lastSequence(carrier, lesson.id, rendition).catch(() => undefined))?.last ?? -1) >= 2 || undefined, 30_000);

    // The other node is up, but the classroom is the carrier's: a push there is refused at once.
    const refusedBefore = await refusals(other);
    assert.equal(refusedBefore, 0);
    const otherRtmp = (await listIngestNodes(db, nodeDownSeconds)).find((node) => node.id === other.id)!.rtmpUrl;
    const wrong = pushTestPattern(`${otherRtmp}/${streamKey}`, { width: 640, height: 360, fps: 15 });
    encoders.push(wrong);
    const wrongExit = await Promise.race([wrong.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000))]);
    assert.notEqual(wrongExit, 'running', 'the refused encoder was disconnected');
    assert.equal(await refusals(other), 1);
    assert.match(other.output(), new RegExp(`classroom is assigned to another ingest node.*"assignedNode":"${carrier.id}"`));
    assert.equal(await liveLesson(other), undefined, 'the other node carries nothing');
    assert.equal((await assignment()).body.node, carrier.id, 'the assignment did not move');

    // Watch the carrier's live playlist for a while, as a relay would, then kill the carrier outright.
    let seenOnCarrier = 0;
    for (let poll = 0; poll < 6; poll++) {
      seenOnCarrier = Math.max(seenOnCarrier, (await lastSequence(carrier, lesson.id, rendition)).last);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    carrier.child.kill('SIGKILL');
    const killedAt = Date.now();
    encoders[0]!.kill();

    const moved = await waitFor('the API to name the other node', async () => {
      const answer = await assignment();
      return answer.status === 200 && answer.body.node === other.id ? answer.body : undefined;
    }, 20_000, 100);
    const movedAfterSeconds = (Date.now() - killedAt) / 1000;
    // The bound plus one heartbeat of slack and the poll: the node is down after nodeDownSeconds.
    assert.ok(movedAfterSeconds <= nodeDownSeconds + heartbeatSeconds + 3, `moved after ${movedAfterSeconds} s`);

    encoders.push(pushTestPattern(moved.pushUrl, { width: 640, height: 360, fps: 15 }));
    const continued = await waitFor('the lesson live on the other node', () => liveLesson(other), 40_000);
    assert.equal(continued.id, lesson.id, 'the same lesson continues');
    const { last, playlist } = await waitFor('segments of the continued lesson', async () => {
      const seen = await lastSequence(other, lesson.id, continued.renditions[0]!).catch(() => undefined);
      return seen && seen.playlist.segments.length > 0 ? seen : undefined;
    }, 30_000);
    assert.ok((playlist.mediaSequence ?? 0) > seenOnCarrier, `media sequence ${playlist.mediaSequence} on ${other.id} after ${seenOnCarrier} on the dead ${carrier.id}`);
    assert.ok(last > seenOnCarrier);
    assert.match(playlist.text, /#EXT-X-DISCONTINUITY\n/);
    assert.match(other.output(), /publish continues a lesson from an ingest node that is down/);

    const inCatalog = (await (await fetch(`${catalog.http}/api/v1/lessons/${lesson.id}`)).json()) as { state: string };
    assert.equal(inCatalog.state, 'live');
    const sessions = await db.query<{ ingest_node: string; open: boolean }>('select ingest_node, ended_at is null as open from lesson_sessions where lesson_id = $1 order by id', [lesson.id]);
    assert.deepEqual(sessions, [{ ingest_node: carrier.id, open: false }, { ingest_node: other.id, open: true }]);
    process.stdout.write(`# ${carrier.id} -> ${other.id}: assignment moved ${movedAfterSeconds.toFixed(1)} s after SIGKILL; sequence ${seenOnCarrier} -> ${playlist.mediaSequence}\n`);
  });
});
