// Replays in object storage, against a real S3-protocol server (s3rver) spoken to through the AWS SDK:
// an ingest node with storage.kind 's3' moves each finished replay to the bucket as a job on its
// upload queue (checked, then its local copy removed), serves it at the same /vod URL through a relay, prepares its MP4 from the
// bucket on the durable job queue and downloads it through the API, and retention deletes it there
// unless pinned. With the store stopped in the middle of an
// upload nothing is lost: the replay waits on disk, the dashboard raises the alarm, and when the
// store is back the upload is done again and the alarm clears. Lessons' media come from short
// ffmpeg runs (no RTMP push) ended through the same catalog calls start-ingest.ts makes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { markEnded, markLive } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { finishRecordings, openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { startCatalogJobs, type CatalogJobs } from '../../services/catalog/jobs/catalog-jobs.ts';
import { startJobQueue, type JobQueue } from '../../services/catalog/jobs/job-queue.ts';
import { setRecordingPinned } from '../../services/catalog/queries/recordings.ts';
import { sweepRecordings } from '../../services/catalog/recordings/retention-sweep.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger } from '../../services/core/log.ts';
import { testQueueOptions } from '../helpers/queue-test-options.ts';
import type { HashList } from '../../services/packager/segment-record.ts';
import { createDashboard } from '../../services/stats/dashboard-service.ts';
import { writeRecordedLesson } from '../helpers/recorded-lesson.ts';
import { startTestBucket, type TestBucket } from '../helpers/test-bucket.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

const log = createLogger({ role: 'test' });
const mediaSeconds = 3;

describe('replays in object storage', { timeout: 180_000 }, () => {
  let bucket: TestBucket;
  let ingest: TestIngest;
  let relay: TestRelay;
  // The catalog's side, in the ingest's process as `classcast all` has it: the API and the job queue.
  let db: Database;
  let catalogDir: string;
  let queue: JobQueue;
  let jobs: CatalogJobs;
  const lessons = ['bucket-served', 'bucket-pinned', 'bucket-outage'];
  const recordings = new Map<string, string>();

  const row = async (id: string) =>
    (await ingest.db.query<{ location: string; upload_failure: string | null; mp4_state: string; mp4_size_bytes: string | number | null }>(
      'select location, upload_failure, mp4_state, mp4_size_bytes from recordings where id = $1',
      [id],
    ))[0];
  const localFolder = (id: string) => join(ingest.ingest.vodDir, id);
  const end = async (lesson: string) => {
    await markEnded(ingest.db, lesson);
    await finishRecordings(ingest.db, { lessonId: lesson, lessonDir: join(ingest.dataDir, 'live', lesson), vodDir: ingest.ingest.vodDir, log });
    ingest.replayStorage.replaysWritten();
  };

  before(async () => {
    bucket = await startTestBucket();
    const storage = { kind: 's3' as const, s3: bucket.s3, uploadRetrySeconds: 0.3, uploadRetryMaxSeconds: 1 };
    catalogDir = await mkdtemp(join(tmpdir(), 'classcast-bucket-catalog-'));
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: catalogDir }, log);
    // Its own sweeps a week apart: this test sweeps when it means to.
    const catalogConfig = resolveConfig([{ source: 'test', values: { dataDir: catalogDir, storage, catalog: { retentionSweepMinutes: 10080 } } }]);
    queue = await startJobQueue(db, log, testQueueOptions);
    jobs = await startCatalogJobs(db, catalogConfig, log, queue);
    const api = catalogApi({ db, config: catalogConfig, log, rtmpBase: () => 'rtmp://127.0.0.1/live', jobs: queue });
    ingest = await startTestIngest({ storage }, undefined, { db, routers: [api], jobs: queue });
    relay = await startTestRelay([ingest.baseUrl]);
    await ingest.db.query("insert into cities (province_id, name) values (1, 'Bucket City')");
    const school = await ingest.db.query<{ id: number }>("insert into schools (city_id, name) select id, 'Bucket School' from cities where name = 'Bucket City' returning id");
    for (const lesson of lessons) {
      await ingest.db.query('insert into classrooms (id, school_id, name, primary_key) values ($1, $2, $1, $3)', [lesson, school[0]!.id, `key-${lesson}-primary-0000`]);
      await ingest.db.query("insert into lessons (id, classroom_id, title, starts_at, ends_at, visibility) values ($1, $1, $1, now() - interval '1 minute', now() + interval '1 hour', 'public')", [lesson]);
      await markLive(ingest.db, lesson, ingest.config.node.id);
      recordings.set(lesson, (await openDefaultRecording(ingest.db, lesson))!);
    }
    await Promise.all(lessons.map((lesson) => writeRecordedLesson(join(ingest.dataDir, 'live', lesson), mediaSeconds, { pictures: true })));
  });
  after(async () => {
    await relay?.stop();
    await ingest?.stop();
    await jobs?.close();
    await queue?.close();
    await db?.close();
    await bucket?.close();
    await rm(catalogDir, { recursive: true, force: true });
  });

  test('a finished replay is uploaded, checked and removed locally, and served at /vod through a relay from the bucket', async () => {
    await Promise.all([end('bucket-served'), end('bucket-pinned')]);
    for (const lesson of ['bucket-served', 'bucket-pinned']) {
      const id = recordings.get(lesson)!;
      await waitFor(`${id} to move to the bucket`, async () => (await row(id))?.location === 'bucket' && !existsSync(localFolder(id)));
      const keys = await bucket.keys(`vod/${id}/`);
      for (const file of ['master.m3u8', '.replay.json', '360p/index.m3u8', '360p/hashes.json']) assert.ok(keys.includes(`vod/${id}/${file}`), `${file} in ${keys.join(', ')}`);
    }
    const id = recordings.get('bucket-served')!;
    const master = await fetch(`${relay.baseUrl}/vod/${id}/master.m3u8`);
    assert.equal(master.status, 200);
    assert.equal(await master.text(), (await bucket.bytes(`vod/${id}/master.m3u8`)).toString('utf8'));
    // Every segment through the relay is the packager's: its SHA-256 is the one in the replay's hash list.
    const hashes = JSON.parse((await bucket.bytes(`vod/${id}/360p/hashes.json`)).toString('utf8')) as HashList;
    assert.ok(hashes.segments.length >= 2, `${hashes.segments.length} segments`);
    for (const entry of hashes.segments) {
      const response = await fetch(`${relay.baseUrl}/vod/${id}/360p/${entry.uri}`);
      assert.equal(response.status, 200, entry.uri);
      assert.match(response.headers.get('cache-control') ?? '', /immutable/);
      assert.equal(createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex'), entry.sha256, entry.uri);
    }
    const ranged = await fetch(`${ingest.baseUrl}/vod/${id}/360p/${hashes.segments[0]!.uri}`, { headers: { Range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);
    assert.equal((await fetch(`${ingest.baseUrl}/vod/${id}/360p/r9-999.m4s`)).status, 404, 'a file in neither place is a 404');
    // The replay's pictures went with it, and are served from the bucket as images and a track.
    const poster = await fetch(`${relay.baseUrl}/vod/${id}/poster.jpg`);
    assert.equal(poster.status, 200);
    assert.equal(poster.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await poster.arrayBuffer()), await bucket.bytes(`vod/${id}/poster.jpg`));
    const track = await fetch(`${relay.baseUrl}/vod/${id}/thumbnails/thumbnails.vtt`);
    assert.equal(track.status, 200);
    const sprite = /sprite-\d+\.jpg/.exec(await track.text())?.[0];
    assert.ok(sprite, 'the track names a sprite');
    const spriteAnswer = await fetch(`${relay.baseUrl}/vod/${id}/thumbnails/${sprite}`);
    assert.equal(spriteAnswer.status, 200);
    assert.equal(spriteAnswer.headers.get('content-type'), 'image/jpeg');
    await spriteAnswer.arrayBuffer();
  });

  test('the MP4 of a replay in the bucket is prepared on the job queue from the bucket, put beside it, and downloaded from there', async () => {
    const id = recordings.get('bucket-served')!;
    const account = await createAccount(db, { username: 'bucket-student', password: 'correct horse battery', displayName: 'Student', role: 'student', schoolId: null });
    const { token } = await createSession(db, account.id, 1);
    const asked = await fetch(`${ingest.baseUrl}/api/v1/recordings/${id}/mp4`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(asked.status, 202, await asked.text());
    const done = await waitFor('the MP4 to be prepared', async () => {
      const now = await row(id);
      return now && now.mp4_state !== 'preparing' ? now : undefined;
    }, 60_000);
    assert.equal(done.mp4_state, 'ready');
    const stored = await bucket.bytes(`vod/${id}/${id}.mp4`);
    assert.equal(stored.length, Number(done.mp4_size_bytes));
    assert.equal(stored.subarray(4, 8).toString('latin1'), 'ftyp');
    assert.equal(existsSync(localFolder(id)), false, 'nothing of it is left on the node');
    const download = await fetch(`${ingest.baseUrl}/api/v1/recordings/${id}/mp4`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'video/mp4');
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(stored), 'the download is the MP4 in the bucket');
  });

  test('retention deletes a replay from the bucket, but not a pinned one', async () => {
    const served = recordings.get('bucket-served')!;
    const pinned = recordings.get('bucket-pinned')!;
    await setRecordingPinned(ingest.db, pinned, true);
    await ingest.db.query("update recordings set started_at = now() - interval '201 days', ended_at = now() - interval '200 days' where id = any($1::text[])", [[served, pinned]]);
    const { bucket: store } = ingest.replayStorage;
    const deleted = await sweepRecordings(ingest.db, new Date(), ingest.ingest.vodDir, { defaultDays: 180, bucket: store!, log });
    assert.deepEqual(deleted, [served]);
    assert.deepEqual(await bucket.keys(`vod/${served}/`), []);
    assert.ok((await bucket.keys(`vod/${pinned}/`)).includes(`vod/${pinned}/master.m3u8`), 'the pinned replay stays');
    assert.equal((await ingest.db.query('select storage_path from bucket_deletions')).length, 0, 'no deletion left queued');
    assert.equal((await fetch(`${ingest.baseUrl}/vod/${served}/master.m3u8`)).status, 404);
    assert.equal((await fetch(`${ingest.baseUrl}/vod/${pinned}/master.m3u8`)).status, 200);
  });

  test('the store stopped during an upload: nothing lost, the alarm raised, the upload retried when it returns, the alarm cleared; retention while it is away deletes from the bucket once it is back', async () => {
    const id = recordings.get('bucket-outage')!;
    const dashboard = createDashboard({ db: ingest.db, log, node: 'test', settings: ingest.config.alarms, nodeDownSeconds: ingest.config.ingest.nodeDownSeconds });
    try {
      // The store goes away as soon as the first object of this replay is stored (one file at a time).
      const stopped = new Promise<void>((resolve) => bucket.server.once('event', () => resolve(bucket.stop())));
      await end('bucket-outage');
      await stopped;
      const failed = await waitFor('the upload to fail', async () => (await row(id))?.upload_failure ?? undefined);
      assert.match(failed, /upload to bucket classcast-replays/);
      assert.equal((await row(id))?.location, 'local');
      assert.ok(existsSync(join(localFolder(id), 'master.m3u8')), 'the replay waits on the node');
      assert.equal((await fetch(`${relay.baseUrl}/vod/${id}/master.m3u8`)).status, 200, 'and is served from there');
      await dashboard.tick();
      const alarm = (await dashboard.snapshot(5)).alarms.find((active) => active.id === 'replay-upload');
      assert.ok(alarm, 'the dashboard raises the alarm');
      assert.match(alarm.message, new RegExp(id));
      const uploads = (await dashboard.snapshot(5)).jobs.find((queue) => queue.queue === `replay-upload.${ingest.config.node.id}`);
      assert.ok(uploads && uploads.failed >= 1, `the failed upload job shows on the dashboard: ${JSON.stringify(uploads)}`);

      await bucket.start();
      await waitFor('the upload to be done again', async () => (await row(id))?.location === 'bucket' && !existsSync(localFolder(id)), 30_000);
      assert.equal((await row(id))?.upload_failure, null);
      const hashes = JSON.parse((await bucket.bytes(`vod/${id}/360p/hashes.json`)).toString('utf8')) as HashList;
      for (const entry of hashes.segments) assert.ok((await bucket.keys(`vod/${id}/360p/${entry.uri}`)).length === 1, `${entry.uri} in the bucket`);
      await dashboard.tick();
      assert.equal((await dashboard.snapshot(5)).alarms.find((active) => active.id === 'replay-upload'), undefined, 'the alarm is cleared');

      // Retention while the store is away: the recording goes, its bucket folder waits to be emptied.
      await bucket.stop();
      await ingest.db.query("update recordings set started_at = now() - interval '201 days', ended_at = now() - interval '200 days' where id = $1", [id]);
      const sweep = () => sweepRecordings(ingest.db, new Date(), ingest.ingest.vodDir, { defaultDays: 180, bucket: ingest.replayStorage.bucket!, log });
      assert.deepEqual(await sweep(), [id]);
      const queued = await ingest.db.query<{ storage_path: string; failure: string | null }>('select storage_path, failure from bucket_deletions');
      assert.deepEqual(queued.map((entry) => entry.storage_path), [`vod/${id}`]);
      assert.ok(queued[0]!.failure, 'with why it waits');
      await bucket.start();
      assert.deepEqual(await sweep(), [], 'nothing more to delete by retention');
      assert.deepEqual(await bucket.keys(`vod/${id}/`), [], 'the next sweep empties the folder');
      assert.equal((await ingest.db.query('select 1 from bucket_deletions')).length, 0);
    } finally {
      await dashboard.close();
    }
  });
});
