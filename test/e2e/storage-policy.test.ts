// The storage policy on real replays: lessons of three renditions (real media from short ffmpeg
// runs, made into replays by the real replay writer), aged past the policy's 30th day, thinned by
// the 'storage-policy' job on the durable queue on local disk, and by two runs at once (two catalogs)
// in a real S3-protocol bucket (s3rver through the AWS SDK). After it: the dropped rendition's files
// are gone, the master lists only what is kept, the replay still plays (ffprobe over the /vod
// route), what was freed is in the row, the audit log and the Prometheus counter, once; a pinned
// replay and a replay of one rendition are untouched; a second run changes nothing. In the bucket
// the files stay the grace period after they leave the master. A school whose policy drops the top
// loses the MP4 made from it, and the next MP4 is made from the best rendition kept.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { markEnded, markLive } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { finishRecordings, openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { startCatalogJobs, type CatalogJobs } from '../../services/catalog/jobs/catalog-jobs.ts';
import { startJobQueue, type JobQueue } from '../../services/catalog/jobs/job-queue.ts';
import { claimMp4, getRecording, setRecordingPinned } from '../../services/catalog/queries/recordings.ts';
import { setSchoolRenditionSteps } from '../../services/catalog/queries/rendition-policy.ts';
import { markUploaded } from '../../services/catalog/queries/replay-locations.ts';
import { runMp4Job } from '../../services/catalog/recordings/mp4-job.ts';
import { applyRenditionPolicy } from '../../services/catalog/recordings/rendition-policy-job.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { vodRoutes } from '../../services/origin/vod-routes.ts';
import { mp4FileName } from '../../services/replay/mp4-export.ts';
import { openReplayBucket, type ReplayBucket } from '../../services/replay/replay-bucket.ts';
import { bucketReplayFiles, localReplayFiles } from '../../services/replay/replay-files.ts';
import { uploadReplayFolder } from '../../services/replay/replay-upload.ts';
import { masterRenditions } from '../../services/replay/trimmed-master.ts';
import { registerRenditionPolicyMetrics } from '../../services/stats/rendition-policy-metrics.ts';
import { testQueueOptions } from '../helpers/queue-test-options.ts';
import { writeRecordedLesson } from '../helpers/recorded-lesson.ts';
import { startTestBucket, type TestBucket } from '../helpers/test-bucket.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = promisify(execFile);
const log = createLogger({ role: 'test' });
const ladder = ['source', '480p', '360p'];
const minute = 60_000;

/** The streams ffprobe finds in a file or URL; a master gives those of every variant it lists. */
async function playableStreams(url: string): Promise<string[]> {
  const { stdout } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'json', url], { timeout: 60_000 });
  return ((JSON.parse(stdout) as { streams: Array<{ codec_type: string }> }).streams ?? []).map((stream) => stream.codec_type).sort();
}

/** Bytes of every file under a folder. */
async function folderBytes(folder: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  return bytes;
}

describe('the storage policy on real replays, on disk and in the bucket', { timeout: 300_000 }, () => {
  let dataDir: string;
  let db: Database;
  let queue: JobQueue;
  let jobs: CatalogJobs;
  let bucket: TestBucket;
  let replayBucket: ReplayBucket;
  let origin: HttpServer;
  let originUrl: string;
  const recordings = new Map<string, string>();
  // Each lesson: its school (the second one drops the top after 10 days), its ladder, where its replay rests.
  const lessons: Record<string, { school: 0 | 1; ladder: string[]; bucket?: boolean }> = {
    'policy-local': { school: 0, ladder },
    'policy-local-pinned': { school: 0, ladder },
    'policy-one': { school: 0, ladder: ['360p'] },
    'policy-mp4': { school: 1, ladder },
    'policy-bucket': { school: 0, ladder, bucket: true },
    'policy-bucket-pinned': { school: 0, ladder, bucket: true },
  };
  const vodDir = () => join(dataDir, 'vod');
  const id = (lesson: string) => recordings.get(lesson)!;
  const row = async (recording: string) => (await getRecording(db, recording))!.recording;
  const audits = async (recording: string) =>
    db.query<{ fields: string[]; status: number; account_id: number | null }>("select fields, status, account_id from audit_log where action = 'JOB storage-policy' and resource_id = $1", [recording]);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'classcast-policy-'));
    bucket = await startTestBucket();
    replayBucket = openReplayBucket(bucket.s3);
    db = await openDatabase({ databaseUrl: 'memory://', dataDir }, log);
    const [city] = await db.query<{ id: number }>("insert into cities (province_id, name) values (1, 'Policy City') returning id");
    const schools = await db.query<{ id: number }>("insert into schools (city_id, name) values ($1, 'Policy School'), ($1, 'Thin School') returning id", [city!.id]);
    await setSchoolRenditionSteps(db, schools[1]!.id, [{ afterDays: 10, keep: ['lowest'] }]);
    for (const [lesson, { school }] of Object.entries(lessons)) {
      await db.query('insert into classrooms (id, school_id, name, primary_key) values ($1, $2, $1, $3)', [lesson, schools[school]!.id, `key-${lesson}-primary-0000`]);
      await db.query("insert into lessons (id, classroom_id, title, starts_at, ends_at, visibility) values ($1, $1, $1, now() - interval '1 minute', now() + interval '1 hour', 'public')", [lesson]);
      await markLive(db, lesson, 'policy-node');
      recordings.set(lesson, (await openDefaultRecording(db, lesson))!);
    }
    await Promise.all(Object.entries(lessons).map(([lesson, { ladder: names }]) => writeRecordedLesson(join(dataDir, 'live', lesson), 3, { pictures: true, ladder: names })));
    for (const [lesson, { bucket: inBucket }] of Object.entries(lessons)) {
      await markEnded(db, lesson);
      await finishRecordings(db, { lessonId: lesson, lessonDir: join(dataDir, 'live', lesson), vodDir: vodDir(), log });
      assert.equal((await row(id(lesson))).state, 'ready', `${lesson} is a replay`);
      if (!inBucket) continue;
      // The uploader's own steps (replay-uploader.ts): every file checked, the row marked, the local copy gone.
      await uploadReplayFolder(replayBucket, join(vodDir(), id(lesson)), `vod/${id(lesson)}`, 4);
      assert.equal(await markUploaded(db, id(lesson)), 'moved');
      await rm(join(vodDir(), id(lesson)), { recursive: true });
    }
    // 40 days old: past the default's 30 and the thin school's 10.
    await db.query("update recordings set started_at = started_at - interval '40 days', ended_at = ended_at - interval '40 days'");
    for (const lesson of ['policy-local-pinned', 'policy-bucket-pinned']) await setRecordingPinned(db, id(lesson), true);
    // policy-mp4's MP4, prepared before the policy thins it: made from its top rendition.
    assert.ok(await claimMp4(db, id('policy-mp4')));
    await runMp4Job(db, resolveConfig([{ source: 'test', values: { dataDir } }]), log, { id: id('policy-mp4'), storagePath: `vod/${id('policy-mp4')}`, durationSeconds: 3 }, { recordFailure: true });
    assert.equal((await row(id('policy-mp4'))).mp4.state, 'ready');
    origin = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [vodRoutes(vodDir(), undefined, replayBucket)], log, health: () => ({}) });
    originUrl = `http://127.0.0.1:${origin.port}`;
  });

  after(async () => {
    await jobs?.close();
    await queue?.close();
    await origin?.close();
    await db?.close();
    replayBucket?.close();
    await bucket?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('on local disk, the job on the durable queue drops the middle rendition, keeps the top and the lowest, and the replay plays', async () => {
    const recording = id('policy-local');
    const folder = join(vodDir(), recording);
    const droppedBytes = await folderBytes(join(folder, '480p'));
    const sizeBefore = (await row(recording)).sizeBytes!;
    const pinnedMaster = await readFile(join(vodDir(), id('policy-local-pinned'), 'master.m3u8'), 'utf8');
    const oneMaster = await readFile(join(vodDir(), id('policy-one'), 'master.m3u8'), 'utf8');
    assert.deepEqual(masterRenditions(await readFile(join(folder, 'master.m3u8'), 'utf8')), ladder);

    // The catalog's jobs as `classcast all` runs them, with local storage and no grace.
    const config = resolveConfig([{ source: 'test', values: { dataDir, storage: { renditionPolicy: { graceMinutes: 0, sweepMinutes: 10080 } }, catalog: { retentionSweepMinutes: 10080 } } }]);
    queue = await startJobQueue(db, log, { ...testQueueOptions, policies: { ...testQueueOptions.policies, 'storage-policy': { policy: 'standard', retryLimit: 1, retryDelaySeconds: 1, expireInSeconds: 60 } } });
    jobs = await startCatalogJobs(db, config, log, queue);
    await queue.send('storage-policy', {});
    await waitFor('the policy job to drop 480p', async () => (await row(recording)).renditionsDropped.includes('480p'), 120_000);

    assert.ok(!existsSync(join(folder, '480p')), "the dropped rendition's folder is gone");
    for (const kept of ['source', '360p']) {
      assert.ok(existsSync(join(folder, kept, 'index.m3u8')), `${kept} playlist stays`);
      assert.ok(existsSync(join(folder, kept, 'hashes.json')), `${kept} hash list stays`);
    }
    assert.ok(existsSync(join(folder, 'poster.jpg')), 'the poster stays');
    assert.ok(existsSync(join(folder, 'thumbnails', 'thumbnails.vtt')), 'the thumbnails stay');
    assert.deepEqual(masterRenditions(await readFile(join(folder, 'master.m3u8'), 'utf8')), ['source', '360p'], 'the master lists only what is kept');
    const master = await fetch(`${originUrl}/vod/${recording}/master.m3u8`);
    assert.equal(master.headers.get('cache-control'), 'public, max-age=300', 'caches keep a replay master minutes, not a year');
    assert.doesNotMatch(await master.text(), /480p/);
    assert.deepEqual(await playableStreams(`${originUrl}/vod/${recording}/master.m3u8`), ['audio', 'audio', 'video', 'video'], 'both kept variants play');
    assert.deepEqual(await playableStreams(`${originUrl}/vod/${recording}/360p/index.m3u8`), ['audio', 'video']);

    const after = await row(recording);
    assert.deepEqual(after.renditions, ['source', '360p']);
    assert.deepEqual(after.renditionsLeaving, []);
    assert.equal(after.policyFreedBytes, droppedBytes, 'the bytes freed are the folder that went');
    // size_bytes counts media only (init and segments), the freed bytes the playlists and hash list too.
    assert.equal(after.sizeBytes, Math.max(0, sizeBefore - droppedBytes), 'the replay is counted smaller');
    const entries = await audits(recording);
    assert.equal(entries.length, 1, 'one audit entry');
    assert.deepEqual(entries[0]!.fields, ['480p']);
    assert.equal(entries[0]!.status, 200);
    assert.equal(entries[0]!.account_id, null, 'done by the job, not an account');
    const register = new Registry();
    registerRenditionPolicyMetrics(register);
    const metrics = await register.metrics();
    const freed = Number(/classcast_storage_policy_freed_bytes_total\{location="local"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(freed >= droppedBytes, `the counter says ${freed} bytes freed on disk (at least ${droppedBytes})`);

    // Pinned, and one rendition: untouched.
    assert.equal(await readFile(join(vodDir(), id('policy-local-pinned'), 'master.m3u8'), 'utf8'), pinnedMaster);
    for (const name of ladder) assert.ok(existsSync(join(vodDir(), id('policy-local-pinned'), name, 'index.m3u8')), `pinned keeps ${name}`);
    assert.deepEqual((await row(id('policy-local-pinned'))).renditionsDropped, []);
    assert.equal(await readFile(join(vodDir(), id('policy-one'), 'master.m3u8'), 'utf8'), oneMaster, 'the last rendition is never removed');
    assert.ok(existsSync(join(vodDir(), id('policy-one'), '360p', 'index.m3u8')));
    assert.deepEqual(await audits(id('policy-one')), []);

    // Again: nothing more to do.
    const again = await applyRenditionPolicy(db, new Date(), { files: localReplayFiles(dataDir), defaultSteps: config.storage.renditionPolicy.steps, graceMinutes: 0, log });
    assert.deepEqual(again, { thinned: [], dropped: [], freedBytes: 0 });
    assert.equal((await row(recording)).policyFreedBytes, droppedBytes);
    assert.equal((await audits(recording)).length, 1);
  });

  test("a school whose policy drops the top loses the MP4 made from it; the next is made from the best rendition kept", async () => {
    // policy-mp4's school keeps the lowest only after 10 days; the job above thinned it.
    const recording = id('policy-mp4');
    const folder = join(vodDir(), recording);
    const thinned = await row(recording);
    assert.deepEqual(thinned.renditions, ['360p']);
    assert.deepEqual([...thinned.renditionsDropped].sort(), ['480p', 'source']);
    assert.equal(thinned.mp4.state, 'none', 'the MP4 made from the dropped top is gone');
    assert.equal(thinned.mp4.sizeBytes, null);
    assert.ok(!existsSync(join(folder, mp4FileName(recording))));
    assert.ok(thinned.policyFreedBytes > 0);
    assert.equal(thinned.mp4.rendition, '360p', 'the API says what the next MP4 is made from');
    assert.ok(!existsSync(join(folder, 'source')) && !existsSync(join(folder, '480p')));
    // Prepared again: from 360p, the only rendition left on disk.
    assert.ok(await claimMp4(db, recording));
    await runMp4Job(db, resolveConfig([{ source: 'test', values: { dataDir } }]), log, { id: recording, storagePath: `vod/${recording}`, durationSeconds: thinned.durationSeconds ?? 3 }, { recordFailure: true });
    assert.equal((await row(recording)).mp4.state, 'ready');
    assert.deepEqual(await playableStreams(join(folder, mp4FileName(recording))), ['audio', 'video']);
  });

  test('in the bucket, two runs at once thin each replay once; its files stay the grace, then go; it still plays', async () => {
    const recording = id('policy-bucket');
    const pinned = id('policy-bucket-pinned');
    const files = bucketReplayFiles(replayBucket);
    const options = { files, defaultSteps: [{ afterDays: 30, keep: ['top', 'lowest'] }], graceMinutes: 60, log };
    const droppedBytes = (await replayBucket.folderSize(`vod/${recording}/480p/`)).bytes;
    assert.ok(droppedBytes > 0);
    const pinnedMaster = (await bucket.bytes(`vod/${pinned}/master.m3u8`)).toString('utf8');
    const now = new Date();

    // Two catalogs at once: one of them thins it.
    const first = await Promise.all([applyRenditionPolicy(db, now, options), applyRenditionPolicy(db, now, options)]);
    assert.deepEqual(first.flatMap((result) => result.thinned), [recording], 'thinned once');
    assert.deepEqual(masterRenditions((await bucket.bytes(`vod/${recording}/master.m3u8`)).toString('utf8')), ['source', '360p']);
    assert.ok((await bucket.keys(`vod/${recording}/480p/`)).length > 0, "within the grace the dropped rendition's files stay, for players holding the old master");
    const leaving = await row(recording);
    assert.deepEqual(leaving.renditionsLeaving, ['480p']);
    assert.equal(leaving.policyFreedBytes, 0);

    // Past the grace, two at once again: the files go, recorded once.
    const later = new Date(now.getTime() + 61 * minute);
    const second = await Promise.all([applyRenditionPolicy(db, later, options), applyRenditionPolicy(db, later, options)]);
    assert.equal(second.flatMap((result) => result.dropped).length, 1, 'dropped once');
    assert.deepEqual(await bucket.keys(`vod/${recording}/480p/`), [], 'the dropped rendition is gone from the bucket');
    const keys = await bucket.keys(`vod/${recording}/`);
    for (const file of ['source/index.m3u8', 'source/hashes.json', '360p/index.m3u8', '360p/hashes.json', 'poster.jpg', 'thumbnails/thumbnails.vtt', '.replay.json']) assert.ok(keys.includes(`vod/${recording}/${file}`), `${file} stays`);
    const dropped = await row(recording);
    assert.deepEqual(dropped.renditionsDropped, ['480p']);
    assert.equal(dropped.policyFreedBytes, droppedBytes);
    assert.equal((await audits(recording)).length, 1);
    assert.deepEqual(await playableStreams(`${originUrl}/vod/${recording}/master.m3u8`), ['audio', 'audio', 'video', 'video'], 'both kept variants play from the bucket');
    assert.deepEqual(await playableStreams(`${originUrl}/vod/${recording}/360p/index.m3u8`), ['audio', 'video']);

    assert.equal((await bucket.bytes(`vod/${pinned}/master.m3u8`)).toString('utf8'), pinnedMaster, 'pinned: untouched');
    for (const name of ladder) assert.ok((await bucket.keys(`vod/${pinned}/${name}/`)).length > 0, `pinned keeps ${name}`);
    assert.deepEqual(await applyRenditionPolicy(db, later, options), { thinned: [], dropped: [], freedBytes: 0 }, 'a third run changes nothing');
  });
});
