// A real S3-protocol server for a test: s3rver on a loopback port, keeping its objects in a throwaway
// folder, with one bucket, and an AWS SDK client to look inside it. `stop` cuts every connection at
// once (a store that goes away mid-upload); `start` brings it back on the same port with the same
// objects.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3StorageConfig } from '../../services/core/config/schema.ts';

export type TestBucket = {
  s3: S3StorageConfig;
  server: S3rver;
  keys(prefix: string): Promise<string[]>;
  bytes(key: string): Promise<Buffer>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
};

export async function startTestBucket(bucket = 'classcast-replays'): Promise<TestBucket> {
  const directory = await mkdtemp(join(tmpdir(), 'classcast-s3-'));
  let port = 0;
  let server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const run = async () => {
    port = (await server.run()).port;
  };
  await run();
  const s3: S3StorageConfig = { endpoint: `http://127.0.0.1:${port}`, bucket, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, partSizeMb: 5, uploadConcurrency: 1 };
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  let running = true;
  const handle: TestBucket = {
    s3,
    server,
    async keys(prefix) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((object) => object.Key!).sort();
    },
    async bytes(key) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await object.Body!.transformToByteArray());
    },
    async stop() {
      if (!running) return;
      running = false;
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
    },
    async start() {
      if (running) return;
      server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket }] });
      handle.server = server;
      await run();
      running = true;
    },
    async close() {
      client.destroy();
      await handle.stop();
      await rm(directory, { recursive: true, force: true, maxRetries: 5 });
    },
  };
  return handle;
}
