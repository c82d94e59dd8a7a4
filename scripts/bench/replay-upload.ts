// Replay upload throughput to an S3-protocol server on loopback: the uploader's own path
// (replay-upload.ts: lib-storage uploads, each object's size and MD5 checked after it, master last)
// moving a replay folder of `--mb` megabytes to s3rver running as its own process, at each
// `--concurrency` (files of one replay at once). A replay is made like a lesson's: three renditions
// of 1 MB segments, their playlists and hash lists, and an MP4 of a third of the size (multipart at
// the default 8 MiB parts). Each concurrency is run `--rounds` times, each round into a fresh key
// prefix; the table gives the median. s3rver stores every object on the same disk and both share the
// machine's cores, so the figure is a floor for a real store (MinIO, Ceph RGW) on its own machines.
//   node --import tsx scripts/bench/replay-upload.ts [--mb 384] [--concurrency 1,4,8] [--rounds 2]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openReplayBucket } from '../../services/replay/replay-bucket.ts';
import { uploadReplayFolder } from '../../services/replay/replay-upload.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { createWorkDir } from './work-dir.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '384' }, concurrency: { type: 'string', default: '1,4,8' }, rounds: { type: 'string', default: '2' } } });
const totalMb = boundedInteger(values.mb, 16, 16_384, 'mb');
const rounds = boundedInteger(values.rounds, 1, 10, 'rounds');
const concurrencies = values.concurrency.split(',').map((each) => boundedInteger(each, 1, 64, 'concurrency'));
const bucketName = 'classcast-bench';

// No program to look for first: s3rver comes with the dev dependencies.
await runBench('replay-upload benchmark', [], async (cleanup) => {
  console.log(machineAtStart('Replay upload to s3rver on loopback', describeMachine()));
  const work = await createWorkDir('replay-upload', cleanup);
  const replay = join(work, 'replay');
  const bytes = await writeReplay(replay, totalMb);
  const port = await freePort();
  const server = spawn(process.execPath, ['node_modules/s3rver/bin/s3rver.js', '-d', join(work, 's3'), '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', bucketName], { stdio: 'ignore' });
  cleanup.add(async () => void server.kill('SIGTERM'));
  const bucket = openReplayBucket({ endpoint: `http://127.0.0.1:${port}`, bucket: bucketName, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, partSizeMb: 8, uploadConcurrency: 1 });
  cleanup.add(async () => bucket.close());
  await waitFor('s3rver to answer', async () => (await bucket.getText('none').then(() => true, () => false)) || undefined, 20_000);
  const rows: string[][] = [];
  let run = 0;
  for (const concurrency of concurrencies) {
    const rates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = process.hrtime.bigint();
      const summary = await uploadReplayFolder(bucket, replay, `vod/bench-${run++}`, concurrency);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      rates.push(summary.bytes / 1e6 / seconds);
      progress(`concurrency ${concurrency}, round ${round + 1}: ${summary.files} files, ${(summary.bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s`);
    }
    const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
    rows.push([String(concurrency), median.toFixed(1), (median * 8 / 1000).toFixed(2), rates.map((rate) => rate.toFixed(1)).join(', ')]);
  }
  console.log(`\nOne replay of ${(bytes / 1e6).toFixed(0)} MB (3 renditions of 1 MB segments and an MP4), uploaded and checked:`);
  console.log(textTable(['files at once', 'MB/s (median)', 'Gb/s', 'each round, MB/s'], rows));
  console.log(loadAverageAtEnd());
});

/** The replay folder: returns its size in bytes. */
async function writeReplay(dir: string, megabytes: number): Promise<number> {
  const mp4Mb = Math.floor(megabytes / 3);
  const segmentsPerRendition = Math.max(1, Math.floor((megabytes - mp4Mb) / 3));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.replay.json'), JSON.stringify({ recordingId: 'bench', protected: false }));
  await writeFile(join(dir, 'bench.mp4'), randomBytes(mp4Mb * 1024 * 1024));
  let bytes = mp4Mb * 1024 * 1024;
  for (const rendition of ['720p', '480p', '360p']) {
    await mkdir(join(dir, rendition));
    for (let n = 0; n < segmentsPerRendition; n++) await writeFile(join(dir, rendition, `r1-${n}.m4s`), randomBytes(1024 * 1024));
    bytes += segmentsPerRendition * 1024 * 1024;
    await writeFile(join(dir, rendition, 'index.m3u8'), '#EXTM3U\n');
    await writeFile(join(dir, rendition, 'hashes.json'), '{}');
  }
  await writeFile(join(dir, 'master.m3u8'), '#EXTM3U\n');
  return bytes;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    }).once('error', reject);
  });
}
