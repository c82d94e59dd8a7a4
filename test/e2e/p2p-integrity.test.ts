import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256, sha256Hex } from '../../player/src/p2p/sha256.ts';
import { createSegmentValidator, hashListLocation, listedSegments, type Rejection } from '../../player/src/p2p/segment-integrity.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('the stand-in SHA-256 (for http LAN pages without crypto.subtle) matches node:crypto at every padding boundary', () => {
  for (const length of [0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537]) {
    const message = new Uint8Array(randomBytes(length));
    assert.equal(hex(sha256(message)), nodeSha256(message), `${length} bytes`);
  }
  assert.equal(hex(sha256(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('sha256Hex uses WebCrypto where there is one and agrees with the stand-in', async () => {
  const message = new Uint8Array(randomBytes(300_000));
  assert.equal(await sha256Hex(message.buffer), hex(sha256(message)));
});

test('a segment\'s hash list sits beside it', () => {
  assert.deepEqual(hashListLocation('http://relay.example:8081/live/room-1-20260101-080000/480p/r0-12.m4s'), {
    listUrl: 'http://relay.example:8081/live/room-1-20260101-080000/480p/hashes.json',
    uri: 'r0-12.m4s',
  });
  assert.deepEqual(hashListLocation('/live/l/720p/r1-3.m4s?token=abc'), { listUrl: '/live/l/720p/hashes.json', uri: 'r1-3.m4s' });
  assert.equal(hashListLocation('http://relay.example/live/l/720p/'), null);
  assert.equal(listedSegments({ algorithm: 'md5', segments: [{ uri: 'a', sha256: 'x', bytes: 1 }] }).size, 0);
  assert.equal(listedSegments(null).size, 0);
});

test('segments from peers pass only when their bytes hash to what the packager listed', async () => {
  const good = new Uint8Array(randomBytes(4096));
  const late = new Uint8Array(randomBytes(2048));
  let listed = [{ sequence: 1, uri: 'r0-1.m4s', sha256: nodeSha256(good), bytes: good.length }];
  let listRequests = 0;
  const server = createServer((request, response) => {
    listRequests++;
    if (request.url !== '/live/l/480p/hashes.json') return void response.writeHead(404).end();
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ rendition: '480p', algorithm: 'sha-256', segments: listed }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rejections: Rejection[] = [];
  const validate = createSegmentValidator({
    fetchHashList: async (url) => (await fetch(url)).json(),
    onRejected: (reason) => rejections.push(reason),
    retryDelayMs: 50,
  });
  try {
    const segmentUrl = `${base}/live/l/480p/r0-1.m4s`;
    assert.equal(await validate(segmentUrl, undefined, good.slice().buffer), true);
    const corrupted = good.slice();
    corrupted[100] = corrupted[100]! ^ 0xff;
    assert.equal(await validate(segmentUrl, undefined, corrupted.buffer), false);
    assert.equal(await validate(segmentUrl, undefined, good.slice(0, 4000).buffer), false);
    assert.equal(await validate(segmentUrl, undefined, new ArrayBuffer(0)), false);
    assert.equal(listRequests, 1, 'a listed segment is checked against the cached list');
    // A segment the cached list does not name yet makes the validator ask again.
    listed = [...listed, { sequence: 2, uri: 'r0-2.m4s', sha256: nodeSha256(late), bytes: late.length }];
    assert.equal(await validate(`${base}/live/l/480p/r0-2.m4s`, undefined, late.slice().buffer), true);
    assert.equal(await validate(`${base}/live/l/480p/r0-9.m4s`, undefined, late.slice().buffer), false);
    assert.equal(await validate(`${base}/live/l/360p/r0-1.m4s`, undefined, good.slice().buffer), false, 'another rendition has its own list');
    assert.deepEqual(rejections, ['mismatch', 'mismatch', 'empty', 'unlisted', 'unlisted']);
  } finally {
    server.close();
  }
});
