// How an uploaded object is checked against the file it came from: its size, and its ETag against the
// file's MD5. S3 servers give a single-part object the MD5 of its bytes as ETag, and a multipart one
// the MD5 of its parts' MD5s followed by "-<parts>" (Ceph RGW, MinIO, AWS); some (s3rver) give the
// whole file's MD5 either way. Both are computed from the file in one pass, so the check is the
// server's own hash of what it stored, not an echo of what was sent. A bucket that encrypts with its
// own keys (SSE-KMS, SSE-C) has ETags of neither kind: uploads to it fail the check and the replay
// stays on the node's disk, which is the safe side (docs/deploy.md).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type FileDigest = { size: number; md5: string; partMd5s: Buffer[] };

/** Size, MD5 and per-part MD5s of a file, parts cut every `partSize` bytes as the multipart upload cuts them. */
export async function digestFile(path: string, partSize: number): Promise<FileDigest> {
  const whole = createHash('md5');
  const partMd5s: Buffer[] = [];
  let part = createHash('md5');
  let inPart = 0;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(partSize - inPart, chunk.length - offset);
      part.update(chunk.subarray(offset, offset + take));
      inPart += take;
      offset += take;
      if (inPart === partSize) {
        partMd5s.push(part.digest());
        part = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (inPart > 0) partMd5s.push(part.digest());
  return { size, md5: whole.digest('hex'), partMd5s };
}

/** The ETags a correct copy of the file may have (without quotes). */
export function acceptableEtags(digest: FileDigest): string[] {
  const etags = [digest.md5];
  if (digest.partMd5s.length > 1) etags.push(`${createHash('md5').update(Buffer.concat(digest.partMd5s)).digest('hex')}-${digest.partMd5s.length}`);
  return etags;
}

/** Why the stored object is not the file, or undefined when it is. */
export function objectMismatch(digest: FileDigest, stored: { size: number | undefined; etag: string | undefined }): string | undefined {
  if (stored.size !== digest.size) return `the store holds ${stored.size ?? 'no'} bytes, the file has ${digest.size}`;
  const etag = stored.etag?.replace(/"/g, '').toLowerCase();
  if (!etag || !acceptableEtags(digest).includes(etag)) return `the store's ETag ${stored.etag ?? '(none)'} is not the file's MD5 ${digest.md5}`;
  return undefined;
}
