// POST /api/v1/ingest/assignment is public and keyed by a secret: a burst of stream-key guesses
// from one address is answered 429 with Retry-After and a JSON error, another address is not
// slowed by it, the address gets its tries back after waiting, and a short key stored before keys
// had to be 16 characters still gets its assignment. Bounded: at most 300 requests, 30 s.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assignmentRatePerIp } from '../../services/catalog/api/routes/ingest-routes.ts';
import { joinIngestNodes } from '../../services/catalog/ingest/ingest-nodes.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';

const maxGuesses = 300;
const maxMilliseconds = 30_000;

type Answer = { status: number; retryAfter: string | undefined; body: any };

/** POSTs the assignment question from a chosen loopback address (127.0.0.x reach 127.0.0.1 on Linux). */
function ask(baseUrl: string, streamKey: string, localAddress: string): Promise<Answer> {
  const url = new URL('/api/v1/ingest/assignment', baseUrl);
  const payload = JSON.stringify({ streamKey });
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: incoming.statusCode ?? 0, retryAfter: incoming.headers['retry-after'], body: text ? JSON.parse(text) : null });
      });
    });
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('no answer in 10 s')));
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

const guess = () => randomBytes(24).toString('base64url');

describe('stream-key guessing on the assignment API', () => {
  let catalog: TestCatalog;
  before(async () => {
    catalog = await startTestCatalog();
    await joinIngestNodes(catalog.db, { id: 'node-a', rtmpUrl: 'rtmp://node-a.example:1935/live', httpUrl: 'http://node-a.example:8080' });
    // A key stored when 8 characters were enough: it keeps working.
    await catalog.db.query("insert into classrooms (id, name, primary_key) values ('old-room', 'Old room', 'old12345')");
  });
  after(() => catalog?.close());

  test('a burst from one address is answered 429 with Retry-After; other addresses and waiting get through', { timeout: 60_000 }, async () => {
    const stored = await ask(catalog.url, 'old12345', '127.0.0.1');
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    assert.equal(stored.body.classroomId, 'old-room');

    const started = Date.now();
    const statuses = new Map<number, number>();
    let firstRefusal: Answer | undefined;
    let guesses = 0;
    while (!firstRefusal && guesses < maxGuesses && Date.now() - started < maxMilliseconds) {
      guesses += 1;
      const answer = await ask(catalog.url, guess(), '127.0.0.1');
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 429) firstRefusal = answer;
      else assert.equal(answer.status, 404, JSON.stringify(answer.body));
    }
    const elapsedMs = Date.now() - started;
    console.log(JSON.stringify({ guessesUntil429: guesses, elapsedMs, statuses: Object.fromEntries(statuses), rate: assignmentRatePerIp }));
    assert.ok(firstRefusal, `${guesses} guesses in ${elapsedMs} ms from one address and never a 429`);
    // The burst (less the one question above), plus what refilled while guessing.
    assert.ok(guesses <= assignmentRatePerIp.burst + 1 + Math.ceil((elapsedMs / 1000) * assignmentRatePerIp.perSecond), `${guesses} guesses before the first 429`);
    assert.match(firstRefusal.retryAfter ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
    assert.equal(firstRefusal.body.error.status, 429);
    assert.match(firstRefusal.body.error.message, /too many assignment requests from this address; try again in \d+ s/);
    assert.ok(firstRefusal.body.error.hint, 'says what to do');

    // Still refused right away, the right key included: the address is throttled, not the key.
    assert.equal((await ask(catalog.url, 'old12345', '127.0.0.1')).status, 429);
    // Another address is not slowed by this one's guessing.
    const other = await ask(catalog.url, 'old12345', '127.0.0.2');
    assert.equal(other.status, 200, JSON.stringify(other.body));

    // After Retry-After, the address may ask again.
    await new Promise((resolve) => setTimeout(resolve, Number(firstRefusal!.retryAfter) * 1000 + 100));
    const again = await ask(catalog.url, 'old12345', '127.0.0.1');
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });
});
