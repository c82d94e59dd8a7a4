// The pure parts of replays in object storage: the storage configuration and its errors, how an
// uploaded object is checked against its file (size, and the ETag as single-part MD5 or multipart
// MD5 of MD5s), which files of a replay folder are uploaded, and the dashboard's upload alarm (and
// how a page says it, and a down node's last heartbeat, in Chinese and English).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../services/core/config/errors.ts';
import { loadConfig, parseCommandLine, resolveConfig } from '../../services/core/config/load.ts';
import { acceptableEtags, digestFile, objectMismatch } from '../../services/replay/object-digest.ts';
import { contentTypeOf, isReplayFile } from '../../services/replay/replay-upload.ts';
import { evaluateAlarms } from '../../services/stats/alarms.ts';
import { createTranslator } from '../../player/src/i18n/translate.ts';

const s3 = { endpoint: 'http://minio-1.example:9000', bucket: 'classcast-replays', accessKeyId: 'AKIA', secretAccessKey: 'secret' };
const configWith = (storage: unknown) => resolveConfig([{ source: 'test', values: { storage } }]);

test('storage is local by default; s3 takes its section with defaults for the rest', () => {
  assert.equal(resolveConfig([]).storage.kind, 'local');
  const config = configWith({ kind: 's3', s3 });
  assert.deepEqual(config.storage.s3, { ...s3, region: 'us-east-1', forcePathStyle: true, partSizeMb: 8, uploadConcurrency: 8 });
  const fromEnv = loadConfig(parseCommandLine(['ingest']), {
    CLASSCAST_STORAGE_KIND: 's3',
    CLASSCAST_S3_ENDPOINT: 'https://rgw.example.edu',
    CLASSCAST_S3_BUCKET: 'replays',
    CLASSCAST_S3_ACCESS_KEY_ID: 'key',
    CLASSCAST_S3_SECRET_ACCESS_KEY: 'secret',
  });
  assert.equal(fromEnv.storage.s3?.endpoint, 'https://rgw.example.edu');
  assert.equal(fromEnv.storage.s3?.secretAccessKey, 'secret');
});

test('bad storage settings stop start-up with a message naming the option', () => {
  const refused = (storage: unknown, message: RegExp) =>
    assert.throws(() => configWith(storage), (error: unknown) => error instanceof ConfigError && message.test(error.message), JSON.stringify(storage));
  refused({ kind: 's3' }, /storage\.s3.*storage\.kind is 's3' but storage\.s3 is missing/s);
  refused({ kind: 'ftp' }, /storage\.kind/);
  refused({ kind: 's3', s3: { ...s3, endpoint: 'minio-1:9000' } }, /storage\.s3\.endpoint.*http\(s\):\/\/host/s);
  refused({ kind: 's3', s3: { ...s3, endpoint: 'http://minio-1:9000/replays' } }, /storage\.s3\.endpoint/);
  refused({ kind: 's3', s3: { ...s3, bucket: 'Replays_2026' } }, /storage\.s3\.bucket.*lowercase/s);
  refused({ kind: 's3', s3: { ...s3, secretAccessKey: '' } }, /CLASSCAST_S3_SECRET_ACCESS_KEY/);
  refused({ kind: 's3', s3: { ...s3, partSizeMb: 4 } }, /storage\.s3\.partSizeMb/);
  refused({ kind: 's3', s3: { ...s3, region2: 'x' } }, /region2/);
  refused({ uploadRetrySeconds: 60, uploadRetryMaxSeconds: 30 }, /uploadRetryMaxSeconds/);
});

test("an object matches its file by size and by the MD5 a single-part or a multipart upload's ETag carries", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'classcast-digest-'));
  try {
    const bytes = randomBytes(2500);
    const path = join(dir, 'file.mp4');
    writeFileSync(path, bytes);
    const md5 = (data: Buffer) => createHash('md5').update(data).digest();
    const digest = await digestFile(path, 1000);
    assert.equal(digest.size, 2500);
    assert.equal(digest.md5, md5(bytes).toString('hex'));
    const composite = `${createHash('md5').update(Buffer.concat([md5(bytes.subarray(0, 1000)), md5(bytes.subarray(1000, 2000)), md5(bytes.subarray(2000))])).digest('hex')}-3`;
    assert.deepEqual(acceptableEtags(digest), [digest.md5, composite]);
    assert.equal(objectMismatch(digest, { size: 2500, etag: `"${digest.md5}"` }), undefined);
    assert.equal(objectMismatch(digest, { size: 2500, etag: `"${composite.toUpperCase()}"` }), undefined);
    assert.match(objectMismatch(digest, { size: 2499, etag: `"${digest.md5}"` }) ?? '', /2499 bytes, the file has 2500/);
    assert.match(objectMismatch(digest, { size: 2500, etag: '"0123456789abcdef0123456789abcdef"' }) ?? '', /is not the file's MD5/);
    assert.match(objectMismatch(digest, { size: 2500, etag: undefined }) ?? '', /\(none\)/);
    // A file of exactly one part is uploaded with one PUT: only the plain MD5 is right.
    assert.deepEqual(acceptableEtags(await digestFile(path, 2500)), [digest.md5]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a replay folder's files go to the bucket, an MP4 preparation's scratch files do not", () => {
  for (const name of ['master.m3u8', '.replay.json', 'hashes.json', 'r1-3.m4s', 'rec-1.mp4']) assert.equal(isReplayFile(name), true, name);
  for (const name of ['.mp4-input.ffconcat', '.rec-1.mp4.partial']) assert.equal(isReplayFile(name), false, name);
  assert.equal(contentTypeOf('360p/index.m3u8'), 'application/vnd.apple.mpegurl');
  assert.equal(contentTypeOf('r1-3.m4s'), 'video/iso.segment');
});

test('failing uploads raise one replay-upload alarm naming the oldest and why, which a page says in its language', () => {
  const settings = { lateStartMinutes: 2, stallSeconds: 15, degradedPercent: 50 };
  const input = { at: Date.now(), lessons: [], norms: new Map(), packagerLag: new Map(), relays: [], disks: [] };
  assert.deepEqual(evaluateAlarms({ ...input, failingUploads: [] }, settings), []);
  const alarms = evaluateAlarms({ ...input, failingUploads: [{ id: 'l-rec1', attempts: 3, failure: 'connect ECONNREFUSED' }, { id: 'l-rec2', attempts: 1, failure: 'x' }] }, settings);
  assert.deepEqual(alarms.map((alarm) => [alarm.id, alarm.kind, alarm.severity]), [['replay-upload', 'replay-upload', 'warning']]);
  assert.match(alarms[0]!.message, /^2 finished replays .*l-rec1, 3 attempts: connect ECONNREFUSED$/);
  assert.deepEqual(alarms[0]!.text, { reason: 'replay-upload', facts: { replays: 2, oldest: 'l-rec1', attempts: 3, failure: 'connect ECONNREFUSED' } });
  const [en, zh] = [createTranslator('en', 'Asia/Shanghai'), createTranslator('zh-CN', 'Asia/Shanghai')];
  assert.equal(en.t('alarm.replay-upload', alarms[0]!.text.facts), '2 finished replays cannot be moved to object storage and wait on the ingest nodes’ disks (nothing is lost; retried with backoff): l-rec1, 3 attempts: connect ECONNREFUSED');
  assert.equal(en.t('alarm.replay-upload', { replays: 1, oldest: 'l-rec1', attempts: 1, failure: 'x' }), '1 finished replay cannot be moved to object storage and waits on the ingest nodes’ disks (nothing is lost; retried with backoff): l-rec1, 1 attempt: x');
  assert.equal(zh.t('alarm.replay-upload', alarms[0]!.text.facts), '2 个已结束课程的回放无法转存到对象存储，暂存在接入节点的磁盘上（不会丢失，将按退避间隔重试）：最早的是 l-rec1，已尝试 3 次：connect ECONNREFUSED');
  assert.equal(zh.t('alarm.subject.replayStorage'), '回放存储');
});

test("a down node's last heartbeat is written in the province's time zone, in the page's language", () => {
  const seenAt = Date.parse('2026-12-07T06:05:00Z');
  const facts = { at: seenAt, ago: '12 min ago' };
  assert.equal(createTranslator('en', 'Asia/Shanghai').t('dashboard.lastSeen', facts), 'last seen 14:05 (12 min ago)');
  assert.equal(createTranslator('zh-CN', 'Asia/Shanghai').t('dashboard.lastSeen', { ...facts, ago: '12 分钟前' }), '最后在线 14:05（12 分钟前）');
});
