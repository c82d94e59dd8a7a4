// The shape scan that runs before a tracker message is parsed: real announces and answers pass
// (SDP text, escaped quotes and backslashes, binary ids), and what no client sends is refused in one
// pass: not an object, nested too deep, too many objects and arrays, an unterminated string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanMessage } from '../../services/tracker/message-scan.ts';
import { defaultTrackerSettings } from '../../services/tracker/tracker-server.ts';

const shape = defaultTrackerSettings.messageShape;
const scan = (text: string) => scanMessage(Buffer.from(text, 'utf8'), shape);

/** A binary id as bittorrent-tracker's client sends it: 20 chars, quotes and backslashes among them. */
const awkwardId = `"\\[{${String.fromCharCode(0, 31, 127, 200, 255)}]}\\"abcdefghi`;
const sdp = 'v=0\r\no=- 5240519126601041128 2 IN IP4 127.0.0.1\r\ns=-\r\na=candidate:3499015734 1 udp 2113937151 ba7688f9.local 59831 typ host\r\n';

test('a real announce with five offers, and an answer, pass', () => {
  const offers = Array.from({ length: 5 }, () => ({ offer: { type: 'offer', sdp }, offer_id: awkwardId }));
  const announce = JSON.stringify({ numwant: 5, uploaded: 0, downloaded: 0, event: 'started', action: 'announce', info_hash: awkwardId, peer_id: awkwardId, offers });
  assert.equal(scan(announce), undefined);
  const answer = JSON.stringify({ action: 'announce', info_hash: awkwardId, peer_id: awkwardId, to_peer_id: awkwardId, answer: { type: 'answer', sdp }, offer_id: awkwardId });
  assert.equal(scan(answer), undefined);
  assert.equal(scan(JSON.stringify({ action: 'scrape', info_hash: [awkwardId, awkwardId] })), undefined);
});

test('brackets and quotes inside strings do not count', () => {
  assert.equal(scan(JSON.stringify({ sdp: '['.repeat(10_000) + '{'.repeat(10_000) + '\\"'.repeat(100) })), undefined);
  assert.equal(scan('{"a":"\\\\"}'), undefined);
});

test('what no client sends is refused', () => {
  assert.match(scan('['.repeat(1000) + ']'.repeat(1000)) ?? '', /not a JSON object/);
  assert.match(scan(' {}') ?? '', /not a JSON object/);
  assert.match(scan(`{"offers":${'['.repeat(1000)}${']'.repeat(1000)}}`) ?? '', /nested deeper than 8/);
  assert.match(scan(`{"a":[${Array.from({ length: 100 }, () => '[]').join(',')}]}`) ?? '', /more than 64 objects and arrays/);
  assert.match(scan('{"a":"no end') ?? '', /unterminated string/);
  assert.match(scan('{"a":"escaped end\\"}') ?? '', /unterminated string/);
});
