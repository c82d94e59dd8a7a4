// The classroom resource's rtmpUrl and ingestNode through the real API, on PGlite and on a real
// PostgreSQL: the catalog's own RTMP address while no ingest node is known; the assigned node while
// it is up; the node a new assignment would choose when it is down, without assigning anything (a
// GET writes nothing); one query for a whole list. A node is made "down" by ageing its heartbeat.
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Database } from '../../services/catalog/db/database.ts';
import { heartbeatIngestNode, joinIngestNodes } from '../../services/catalog/ingest/ingest-nodes.ts';
import { catalogDatabaseUrls, stopTestPostgres } from '../helpers/databases.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';

after(() => stopTestPostgres());

const node = (id: string) => ({ id, rtmpUrl: `rtmp://${id}.example:1935/live`, httpUrl: `http://${id}.example:8080` });

for (const { name, url } of await catalogDatabaseUrls()) {
  describe(`classroom rtmpUrl on ${name}`, () => {
    let catalog: TestCatalog;
    let db: Database;
    let operator: string;
    before(async () => {
      catalog = await startTestCatalog({ databaseUrl: url });
      db = catalog.db;
      operator = (await catalog.signIn('operator')).token;
      for (const id of ['room-a', 'room-b', 'room-c']) {
        await db.query('insert into classrooms (id, name, primary_key, backup_key) values ($1, $2, $3, null)', [id, `Room ${id}`, `key-${id}-primary`]);
      }
    });
    after(() => catalog?.close());
    beforeEach(async () => {
      await db.query('update classrooms set ingest_node = null');
      await db.query('delete from ingest_nodes');
    });

    const read = async (classroomId: string) => {
      const answer = await catalog.api('get', `/classrooms/${classroomId}`, { token: operator });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body as { rtmpUrl: string; ingestNode: string | null };
    };
    /** GET the classroom as a browser that reached the catalog by the name `host` (fetch always sends the URL's own host). */
    const readAs = (classroomId: string, host: string) =>
      new Promise<{ rtmpUrl: string }>((resolve, reject) => {
        const request = httpGet(`${catalog.url}/api/v1/classrooms/${classroomId}`, { headers: { host, authorization: `Bearer ${operator}` } }, (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${response.statusCode}: ${text}`))));
        });
        request.on('error', reject);
      });
    const assign = (classroomId: string, nodeId: string) => db.query('update classrooms set ingest_node = $2 where id = $1', [classroomId, nodeId]);
    /** Makes the node's last heartbeat a minute old, past the default 6 s down bound. */
    const stopBeating = (id: string) => db.query("update ingest_nodes set seen_at = now() - interval '60 seconds' where id = $1", [id]);
    const assignments = async () => db.query<{ id: string; ingest_node: string | null }>('select id, ingest_node from classrooms order by id');

    test('no ingest node known: the catalog host and RTMP port, and no node', async () => {
      const room = await read('room-a');
      assert.equal(room.rtmpUrl, 'rtmp://127.0.0.1:1935/live');
      assert.equal(room.ingestNode, null);
    });

    test('assigned to an up node: that node, even when another is less loaded', async () => {
      for (const each of [node('node-1'), node('node-2')]) {
        await joinIngestNodes(db, each);
        await heartbeatIngestNode(db, each);
      }
      await assign('room-a', 'node-2');
      const room = await read('room-a');
      assert.equal(room.rtmpUrl, 'rtmp://node-2.example:1935/live');
      assert.equal(room.ingestNode, 'node-2');
    });

    test('assigned node down: the least loaded up node (ties by id), and nothing is written', async () => {
      for (const each of [node('node-1'), node('node-2'), node('node-3')]) await joinIngestNodes(db, each);
      await assign('room-a', 'node-2');
      await assign('room-b', 'node-1');
      await stopBeating('node-2');
      const before = await assignments();
      const room = await read('room-a');
      assert.equal(room.rtmpUrl, 'rtmp://node-3.example:1935/live', 'node-1 carries room-b, node-3 nothing');
      assert.equal(room.ingestNode, 'node-2', 'the stored assignment, though its node is down');
      await assign('room-c', 'node-3');
      assert.equal((await read('room-a')).rtmpUrl, 'rtmp://node-1.example:1935/live', 'equal load: the lower id');
      assert.deepEqual(await assignments(), before.map((row) => (row.id === 'room-c' ? { ...row, ingest_node: 'node-3' } : row)), 'reading assigned nothing');
    });

    test('a list costs one ingest query, whatever its length, and gives each classroom its node', async () => {
      for (const each of [node('node-1'), node('node-2'), node('node-3')]) await joinIngestNodes(db, each);
      await assign('room-a', 'node-2');
      await assign('room-b', 'node-2');
      await stopBeating('node-1');
      const query = db.query.bind(db);
      let ingestQueries = 0;
      db.query = ((sql: string, params?: readonly unknown[]) => {
        if (sql.includes('ingest_nodes')) ingestQueries++;
        return query(sql, params);
      }) as Database['query'];
      try {
        const listed = await catalog.api('get', '/classrooms', { token: operator });
        assert.equal(listed.status, 200);
        const byId = Object.fromEntries(listed.body.items.map((room: { id: string; rtmpUrl: string; ingestNode: string | null }) => [room.id, [room.rtmpUrl, room.ingestNode]]));
        assert.deepEqual(byId, {
          'room-a': ['rtmp://node-2.example:1935/live', 'node-2'],
          'room-b': ['rtmp://node-2.example:1935/live', 'node-2'],
          'room-c': ['rtmp://node-3.example:1935/live', null],
        });
        assert.equal(ingestQueries, 1);
      } finally {
        db.query = query;
      }
    });

    test('every node down: the assigned node, else the least loaded known one (the catalog has no RTMP)', async () => {
      for (const each of [node('node-1'), node('node-2')]) await joinIngestNodes(db, each);
      await assign('room-a', 'node-2');
      await stopBeating('node-1');
      await stopBeating('node-2');
      assert.equal((await read('room-a')).rtmpUrl, 'rtmp://node-2.example:1935/live');
      assert.equal((await read('room-b')).rtmpUrl, 'rtmp://node-1.example:1935/live');
    });

    test('a node on loopback (no ingest.rtmpUrl set) is advertised on the host the caller asked for', async () => {
      await joinIngestNodes(db, { id: 'all', rtmpUrl: 'rtmp://127.0.0.1:19350/live', httpUrl: 'http://127.0.0.1:8080' });
      assert.equal((await readAs('room-a', 'school.example:8080')).rtmpUrl, 'rtmp://school.example:19350/live');
      await joinIngestNodes(db, { id: 'all', rtmpUrl: 'rtmp://ingest.example:19350/live', httpUrl: 'http://127.0.0.1:8080' });
      assert.equal((await readAs('room-a', 'school.example:8080')).rtmpUrl, 'rtmp://ingest.example:19350/live');
    });
  });
}
