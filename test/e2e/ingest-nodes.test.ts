// Ingest nodes in the catalog, on PGlite and on a real PostgreSQL: heartbeats and the up/down
// bound, the load each heartbeat reports (busy CPU share, renditions shed and since when), which
// node each classroom is assigned (least loaded, sticky while its node is up, moved
// when it is down, freed when its node leaves cleanly), whether a node may carry a publish, the
// takeover of a live lesson from a node that went down, and POST /api/v1/ingest/assignment.
// A node is made "down" by ageing its heartbeat row in the database, as time would.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Database } from '../../services/catalog/db/database.ts';
import { advertisedIngest } from '../../services/catalog/ingest/advertised-rtmp.ts';
import { admitClassroom, assignClassroom } from '../../services/catalog/ingest/classroom-assignment.ts';
import { forgetGoneIngestNodes, heartbeatIngestNode, joinIngestNodes, leaveIngestNodes, listIngestNodes } from '../../services/catalog/ingest/ingest-nodes.ts';
import { endLessonHere, markLive, markTakenOver, takeOverLesson } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { startNodeHeartbeat } from '../../services/catalog/ingest/node-heartbeat.ts';
import { openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { createLogger } from '../../services/core/log.ts';
import { catalogDatabaseUrls, stopTestPostgres } from '../helpers/databases.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';
import { waitFor } from '../helpers/wait-for.ts';

const log = createLogger({ role: 'test' });
after(() => stopTestPostgres());

const downSeconds = 6;
const node = (id: string) => ({ id, rtmpUrl: `rtmp://${id}.example:1935/live`, httpUrl: `http://${id}.example:8080` });

for (const { name, url } of await catalogDatabaseUrls()) {
  describe(`ingest nodes on ${name}`, () => {
    let catalog: TestCatalog;
    let db: Database;
    let serial = 0;
    before(async () => {
      catalog = await startTestCatalog({ databaseUrl: url });
      db = catalog.db;
    });
    after(() => catalog?.close());
    beforeEach(async () => {
      await db.query('update classrooms set ingest_node = null');
      await db.query('delete from ingest_nodes');
    });

    const classroom = async () => {
      const id = `room-${++serial}`;
      await db.query('insert into classrooms (id, name, primary_key, backup_key) values ($1, $2, $3, $4)', [id, `Room ${serial}`, `key-${id}-primary`, `key-${id}-backup`]);
      return id;
    };
    /** Makes the node's last heartbeat `seconds` old, as if it had stopped beating then. */
    const age = (id: string, seconds: number) => db.query('update ingest_nodes set seen_at = now() - make_interval(secs => $2) where id = $1', [id, seconds]);
    const assignedTo = async (classroomId: string) => (await db.query<{ ingest_node: string | null }>('select ingest_node from classrooms where id = $1', [classroomId]))[0]?.ingest_node;
    const assign = async (classroomId: string) => (await assignClassroom(db, classroomId, downSeconds)).node?.id;

    test('a heartbeat keeps a node up; a node that stops beating is down; a clean close removes it', async () => {
      const beat = await startNodeHeartbeat(db, node('beat-1'), { heartbeatSeconds: 0.1, log });
      const state = async () => (await listIngestNodes(db, downSeconds)).find((each) => each.id === 'beat-1');
      assert.deepEqual(
        { ...(await state()), startedAt: undefined, seenAt: undefined, seenSecondsAgo: undefined },
        { ...node('beat-1'), up: true, classrooms: 0, cpuBusy: null, renditionsShed: 0, sheddingSeconds: null, startedAt: undefined, seenAt: undefined, seenSecondsAgo: undefined },
      );
      await age('beat-1', 60);
      assert.equal((await state())?.up, false, 'a heartbeat a minute old is past the 6 s bound');
      await waitFor('the next heartbeat', async () => (await state())?.up === true, 5000, 50);
      await beat.close();
      assert.equal(await state(), undefined);
    });

    test('a node gone longer than the forget time is removed and its classrooms freed; one down for less stays, saying when it was last seen', async () => {
      for (const id of ['gone-long', 'gone-briefly', 'up-now']) await joinIngestNodes(db, node(id));
      const rooms = [await classroom(), await classroom()];
      await db.query("update classrooms set ingest_node = 'gone-long' where id = $1", [rooms[0]]);
      await db.query("update classrooms set ingest_node = 'gone-briefly' where id = $1", [rooms[1]]);
      const forgetSeconds = 3600;
      await age('gone-long', forgetSeconds + 5);
      await age('gone-briefly', forgetSeconds - 600);
      const before = await listIngestNodes(db, downSeconds);
      assert.deepEqual(before.map((each) => [each.id, each.up]), [['gone-briefly', false], ['gone-long', false], ['up-now', true]]);
      const seen = before.find((each) => each.id === 'gone-briefly')!.seenSecondsAgo;
      assert.ok(seen >= forgetSeconds - 600 && seen < forgetSeconds - 500, `last seen ${seen} s ago`);
      assert.deepEqual(await forgetGoneIngestNodes(db, forgetSeconds), ['gone-long']);
      assert.deepEqual((await listIngestNodes(db, downSeconds)).map((each) => each.id), ['gone-briefly', 'up-now']);
      assert.equal(await assignedTo(rooms[0]!), null, "the forgotten node's classroom is free");
      assert.equal(await assignedTo(rooms[1]!), 'gone-briefly', 'a node down for less keeps its classroom until it moves');
      assert.deepEqual(await forgetGoneIngestNodes(db, forgetSeconds), [], 'nothing more to forget');
      await joinIngestNodes(db, node('gone-long'));
      assert.ok((await listIngestNodes(db, downSeconds)).some((each) => each.id === 'gone-long' && each.up), 'a forgotten node that comes back joins again');
    });

    test('a classroom goes to the least loaded up node, ties by id', async () => {
      await joinIngestNodes(db, node('node-b'));
      await joinIngestNodes(db, node('node-a'));
      const rooms = [await classroom(), await classroom(), await classroom()];
      assert.deepEqual([await assign(rooms[0]!), await assign(rooms[1]!), await assign(rooms[2]!)], ['node-a', 'node-b', 'node-a']);
      assert.equal(await assignedTo(rooms[1]!), 'node-b', 'the assignment is stored');
      const listed = await listIngestNodes(db, downSeconds);
      assert.deepEqual(listed.map((each) => [each.id, each.classrooms]), [['node-a', 2], ['node-b', 1]]);
      const answer = await assignClassroom(db, rooms[0]!, downSeconds);
      assert.deepEqual(answer, { classroomId: rooms[0], node: node('node-a') });
    });

    test('each heartbeat writes the load the ingest role reads; shedding_since keeps the start of a spell of shedding', async () => {
      let load = { cpuBusy: 0.25, renditionsShed: 0 };
      const beat = await startNodeHeartbeat(db, node('beat-2'), { heartbeatSeconds: 0.1, log, load: () => load });
      const state = async () => (await listIngestNodes(db, downSeconds)).find((each) => each.id === 'beat-2')!;
      assert.deepEqual([(await state()).cpuBusy, (await state()).renditionsShed, (await state()).sheddingSeconds], [0.25, 0, null], 'written when the node joins');
      load = { cpuBusy: 0.95, renditionsShed: 2 };
      await waitFor('the shedding reported', async () => (await state()).renditionsShed === 2, 5000, 50);
      assert.ok(Math.abs((await state()).cpuBusy! - 0.95) < 1e-6);
      await db.query("update ingest_nodes set shedding_since = now() - interval '90 seconds' where id = 'beat-2'");
      load = { cpuBusy: 0.9, renditionsShed: 1 };
      await waitFor('one rendition back', async () => (await state()).renditionsShed === 1, 5000, 50);
      assert.ok((await state()).sheddingSeconds! >= 90, 'still the same spell: since 90 s ago');
      load = { cpuBusy: 0.4, renditionsShed: 0 };
      await waitFor('nothing shed', async () => (await state()).renditionsShed === 0, 5000, 50);
      assert.equal((await state()).sheddingSeconds, null);
      await beat.close();
      // A beat without a load (an older node) leaves the last one as it was.
      await joinIngestNodes(db, node('old-1'), { cpuBusy: 0.5, renditionsShed: 3 });
      await heartbeatIngestNode(db, node('old-1'));
      const old = (await listIngestNodes(db, downSeconds)).find((each) => each.id === 'old-1')!;
      assert.deepEqual([old.cpuBusy, old.renditionsShed, old.sheddingSeconds !== null], [0.5, 3, true]);
    });

    test('a classroom goes to the least loaded up node: one shedding renditions last, then by busy CPU in steps of 0.1, then by classrooms', async () => {
      const nodes = ['node-a', 'node-b', 'node-c'];
      for (const id of nodes) await joinIngestNodes(db, node(id));
      // node-a is the busiest yet carries no classroom; node-b sheds; node-c is idle with two classrooms.
      await heartbeatIngestNode(db, node('node-a'), { cpuBusy: 0.85, renditionsShed: 0 });
      await heartbeatIngestNode(db, node('node-b'), { cpuBusy: 0.2, renditionsShed: 1 });
      await heartbeatIngestNode(db, node('node-c'), { cpuBusy: 0.1, renditionsShed: 0 });
      for (const room of [await classroom(), await classroom()]) await db.query("update classrooms set ingest_node = 'node-c' where id = $1", [room]);
      assert.equal(await assign(await classroom()), 'node-c', 'the idle node, though it carries the most classrooms');
      await heartbeatIngestNode(db, node('node-c'), { cpuBusy: 0.97, renditionsShed: 0 });
      assert.equal(await assign(await classroom()), 'node-a', 'a busy node before one that sheds, however idle that one looks');
      await heartbeatIngestNode(db, node('node-a'), { cpuBusy: 0.95, renditionsShed: 2 });
      await heartbeatIngestNode(db, node('node-c'), { cpuBusy: 0.99, renditionsShed: 3 });
      assert.equal(await assign(await classroom()), 'node-b', 'all shed: the least busy of them');
      // About as busy (0.42 and 0.38 both count as 0.4): the classroom count decides.
      await heartbeatIngestNode(db, node('node-a'), { cpuBusy: 0.42, renditionsShed: 0 });
      await heartbeatIngestNode(db, node('node-c'), { cpuBusy: 0.38, renditionsShed: 0 });
      assert.equal(await assign(await classroom()), 'node-a', 'fewer classrooms than node-c');
      // The school page advertises the node the assignment would name, by the same order.
      const waiting = await classroom();
      assert.equal((await advertisedIngest(db, [waiting], downSeconds)).get(waiting)?.node?.id, 'node-a');
      assert.equal(await assign(waiting), 'node-a');
    });

    test('the assignment sticks while its node is up, moves when it is down, and a clean leave frees it', async () => {
      await joinIngestNodes(db, node('node-a'));
      const room = await classroom();
      assert.equal(await assign(room), 'node-a');
      await joinIngestNodes(db, node('node-b'));
      const other = await classroom();
      assert.equal(await assign(other), 'node-b');
      // node-a now carries one classroom and node-b one: still node-a for `room`, and again.
      const extra = await classroom();
      await db.query("update classrooms set ingest_node = 'node-a' where id = $1", [extra]);
      assert.equal(await assign(room), 'node-a', 'sticky though node-a is the busier one');
      await age('node-a', downSeconds + 1);
      assert.equal(await assign(room), 'node-b', 'moved: its node is down');
      assert.equal(await assignedTo(room), 'node-b');
      await leaveIngestNodes(db, 'node-b');
      assert.equal(await assignedTo(room), null, 'a clean leave un-assigns at once');
      assert.equal(await assignedTo(other), null);
      assert.equal(await assignedTo(extra), 'node-a', "another node's classrooms stay");
      assert.deepEqual((await assignClassroom(db, room, downSeconds)).node, undefined, 'no node is up');
    });

    test('a node may carry a classroom assigned to it, to nobody, or to a node that is down; not one held by an up node', async () => {
      await joinIngestNodes(db, node('node-a'));
      await joinIngestNodes(db, node('node-b'));
      const room = await classroom();
      assert.deepEqual(await admitClassroom(db, room, 'node-a', downSeconds), { admitted: true, previous: null });
      assert.equal(await assignedTo(room), 'node-a', 'taking a free classroom assigns it');
      assert.deepEqual(await admitClassroom(db, room, 'node-a', downSeconds), { admitted: true, previous: 'node-a' });
      assert.deepEqual(await admitClassroom(db, room, 'node-b', downSeconds), { admitted: false, holder: node('node-a') });
      assert.equal(await assignedTo(room), 'node-a');
      await age('node-a', downSeconds + 1);
      assert.deepEqual(await admitClassroom(db, room, 'node-b', downSeconds), { admitted: true, previous: 'node-a' });
      assert.equal(await assignedTo(room), 'node-b');
      assert.equal(await assign(room), 'node-b', 'the API now names the node that took it');
      await assert.rejects(admitClassroom(db, 'no-such-room', 'node-a', downSeconds), /not in the catalog/);
    });

    test('a live lesson on a node that went down is continued by the node that takes its classroom; a stale one is ended', async () => {
      const options = { downSeconds, graceSeconds: 60 };
      await joinIngestNodes(db, node('node-a'));
      await joinIngestNodes(db, node('node-b'));
      const room = await classroom();
      const lessonId = `${room}-live`;
      await db.query("insert into lessons (id, classroom_id, title, starts_at, latency_mode, state, ad_hoc) values ($1, $2, 'Live', now(), 'low', 'live', true)", [lessonId, room]);
      await markLive(db, lessonId, 'node-a');
      const firstRecording = await openDefaultRecording(db, lessonId);
      assert.ok(firstRecording);
      await db.query("update lessons set went_live_at = now() - interval '90 seconds' where id = $1", [lessonId]);

      assert.equal(await takeOverLesson(db, room, 'node-b', options), undefined, 'not while node-a is up');
      assert.equal(await takeOverLesson(db, room, 'node-a', options), undefined, 'never from itself');
      await age('node-a', downSeconds + 1);
      const taken = await takeOverLesson(db, room, 'node-b', options);
      assert.ok(taken);
      assert.deepEqual({ ...taken, liveSeconds: Math.round(taken.liveSeconds / 10) * 10 }, { id: lessonId, latencyMode: 'low', title: 'Live', adHoc: true, visibility: 'public', from: 'node-a', liveSeconds: 90 });

      // node-b's first media: node-a's session ends, its recording fails (its media is on node-a), node-b records anew.
      await markTakenOver(db, lessonId, 'node-b');
      const sessions = await db.query<{ ingest_node: string; open: boolean }>('select ingest_node, ended_at is null as open from lesson_sessions where lesson_id = $1 order by id', [lessonId]);
      assert.deepEqual(sessions, [{ ingest_node: 'node-a', open: false }, { ingest_node: 'node-b', open: true }]);
      const recordings = await db.query<{ id: string; state: string; failure: string | null }>('select id, state, failure from recordings where lesson_id = $1', [lessonId]);
      assert.deepEqual(recordings.map((row) => [row.id, row.state]), [[firstRecording, 'failed']]);
      assert.match(recordings[0]!.failure ?? '', /node-b continued the lesson/);
      assert.ok(await openDefaultRecording(db, lessonId), "node-b's own recording opens");

      // node-a, back, ends its copy when its grace runs out: the lesson goes on on node-b.
      assert.equal(await endLessonHere(db, lessonId, 'node-a'), false);
      assert.equal((await db.query<{ state: string }>('select state from lessons where id = $1', [lessonId]))[0]?.state, 'live');
      assert.equal(await endLessonHere(db, lessonId, 'node-b'), true);
      assert.equal((await db.query<{ state: string }>('select state from lessons where id = $1', [lessonId]))[0]?.state, 'ended');

      // A lesson whose node went down longer ago than the grace period is over: ended, not continued.
      const stale = `${room}-stale`;
      await db.query("insert into lessons (id, classroom_id, title, starts_at, latency_mode, state, ad_hoc) values ($1, $2, 'Stale', now(), 'low', 'live', true)", [stale, room]);
      await markLive(db, stale, 'node-c');
      assert.equal(await takeOverLesson(db, room, 'node-b', options), undefined, 'node-c never joined the catalog: nothing to continue');
      assert.equal((await db.query<{ state: string }>('select state from lessons where id = $1', [stale]))[0]?.state, 'ended');
    });

    test('POST /api/v1/ingest/assignment names the node and the push URL', async () => {
      const room = await classroom();
      const body = { streamKey: `key-${room}-backup` };
      const none = await catalog.api('post', '/ingest/assignment', { body });
      assert.equal(none.status, 503, JSON.stringify(none.body));
      assert.match(none.body.error.message, /no ingest node is up/);

      await joinIngestNodes(db, node('node-a'));
      const answer = await catalog.api('post', '/ingest/assignment', { body });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { classroomId: room, node: 'node-a', rtmpUrl: 'rtmp://node-a.example:1935/live', pushUrl: `rtmp://node-a.example:1935/live/key-${room}-backup` });
      assert.equal(answer.headers.get('cache-control'), 'no-store');

      const wrong = await catalog.api('post', '/ingest/assignment', { body: { streamKey: `key-${room}-wrong` } });
      assert.equal(wrong.status, 404);
      assert.equal(wrong.body.error.message, 'no classroom has this stream key');
      assert.ok(!JSON.stringify(wrong.body).includes(room), 'a wrong key learns nothing about the classroom');
      for (const bad of [{}, { streamKey: 'short' }, { streamKey: `key-${room}-backup`, extra: 1 }, { streamKey: 42 }]) {
        const refused = await catalog.api('post', '/ingest/assignment', { body: bad });
        assert.equal(refused.status, 400, JSON.stringify(bad));
        assert.match(refused.body.error.message, /streamKey|extra|body/);
      }
      const notJson = await catalog.api('post', '/ingest/assignment', { rawBody: 'streamKey=x', headers: { 'content-type': 'text/plain' } });
      assert.equal(notJson.status, 415);
    });
  });
}
