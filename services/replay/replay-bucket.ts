// The S3-compatible bucket replays move to (storage.kind 's3'), through the AWS SDK: lib-storage's
// Upload (one PUT, or a multipart upload for files above the part size), reads as streams, and
// folder deletes. Every upload is checked against the file (object-digest.ts) before the caller may
// drop its local copy. Keys are the recordings' storage paths (vod/<recording>/...), the same layout
// as under dataDir, so a replay reads alike from either place.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3StorageConfig } from '../core/config/schema.ts';
import { digestFile, objectMismatch } from './object-digest.ts';

export type BucketObject = { body: Readable; size: number; lastModified: Date | undefined; contentRange: string | undefined };

export type ReplayBucket = {
  /** Where the bucket is, for logs and errors. */
  describe: string;
  /** Uploads the file and checks the stored object's size and MD5; returns its size. Rejects when they differ. */
  putFile(key: string, path: string, contentType: string): Promise<number>;
  /** Writes a small text object in one PUT (a rewritten master playlist); rejects unless the store kept exactly these bytes. */
  putText(key: string, text: string, contentType: string): Promise<void>;
  /** The object, or undefined when there is none. `range` is an HTTP Range header, passed on. */
  get(key: string, range?: string): Promise<BucketObject | undefined>;
  getText(key: string): Promise<string | undefined>;
  /** Writes the object to `path`; returns its size; rejects when it is missing. */
  download(key: string, path: string): Promise<number>;
  /** Deletes one object (none there is fine). */
  deleteObject(key: string): Promise<void>;
  /** Bytes and objects under `prefix` (a folder: ends with '/'). */
  folderSize(prefix: string): Promise<{ objects: number; bytes: number }>;
  /** Deletes every object under `prefix` (a folder: ends with '/'); returns how many. */
  deleteFolder(prefix: string): Promise<number>;
  close(): void;
};

export function openReplayBucket(s3: S3StorageConfig): ReplayBucket {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // The SDK's default CRC checksums (aws-chunked uploads) are not spoken by older Ceph RGW, MinIO
    // and s3rver; the MD5 check after each upload does the same job on every server.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A store that stops answering fails the request, so the upload is retried later, not stuck.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
  const partSize = s3.partSizeMb * 1024 * 1024;
  const Bucket = s3.bucket;
  const describe = `bucket ${s3.bucket} at ${s3.endpoint}`;

  return {
    describe,
    async putFile(key, path, contentType) {
      const digest = await digestFile(path, partSize);
      await new Upload({ client, params: { Bucket, Key: key, Body: createReadStream(path), ContentType: contentType }, partSize, queueSize: 4, leavePartsOnError: false }).done();
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      const mismatch = objectMismatch(digest, { size: head.ContentLength, etag: head.ETag });
      if (mismatch) throw new Error(`${key} in ${describe} does not match ${path}: ${mismatch}`);
      return digest.size;
    },
    async putText(key, text, contentType) {
      const body = Buffer.from(text, 'utf8');
      const md5 = createHash('md5').update(body).digest();
      // Content-MD5: the store refuses the PUT outright if the bytes it got differ.
      const put = await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType, ContentMD5: md5.toString('base64') }));
      if (put.ETag && put.ETag.replaceAll('"', '') !== md5.toString('hex')) throw new Error(`${key} in ${describe}: the store answered ETag ${put.ETag}, not the MD5 of what was sent`);
    },
    async get(key, range) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key, ...(range ? { Range: range } : {}) }));
        return { body: object.Body as Readable, size: object.ContentLength ?? 0, lastModified: object.LastModified, contentRange: object.ContentRange };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async getText(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return await object.Body!.transformToString('utf8');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async download(key, path) {
      const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      await mkdir(dirname(path), { recursive: true });
      await pipeline(object.Body as Readable, createWriteStream(path));
      return object.ContentLength ?? 0;
    },
    async deleteObject(key) {
      const result = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: key }], Quiet: true } }));
      if (result.Errors && result.Errors.length > 0) throw new Error(`${describe} refused to delete ${key}: ${result.Errors[0]!.Code} ${result.Errors[0]!.Message ?? ''}`);
    },
    async folderSize(prefix) {
      if (!prefix.endsWith('/')) throw new Error(`folderSize takes a folder ending in '/', not ${prefix}`);
      let objects = 0;
      let bytes = 0;
      let token: string | undefined;
      do {
        const listed = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, MaxKeys: 1000, ...(token ? { ContinuationToken: token } : {}) }));
        for (const object of listed.Contents ?? []) {
          objects += 1;
          bytes += object.Size ?? 0;
        }
        token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
      } while (token);
      return { objects, bytes };
    },
    async deleteFolder(prefix) {
      if (!prefix.endsWith('/')) throw new Error(`deleteFolder takes a folder ending in '/', not ${prefix}`);
      let deleted = 0;
      // Listing again from the start after each batch: what was deleted is gone from the listing.
      for (;;) {
        const listed = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, MaxKeys: 1000 }));
        const keys = (listed.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
        if (keys.length === 0) return deleted;
        const result = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
        if (result.Errors && result.Errors.length > 0) throw new Error(`${describe} refused to delete ${result.Errors.length} objects under ${prefix}: ${result.Errors[0]!.Code} ${result.Errors[0]!.Message ?? ''}`);
        deleted += keys.length;
      }
    },
    close() {
      client.destroy();
    },
  };
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);
}
