import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, p2pShare, emptyDeliveryStats } from '../../player/src/p2p/delivery-stats.ts';
import { parseIceServers, parseTrackerUrl, swarmIdFor } from '../../player/src/p2p/p2p-settings.ts';

test('the tracker meta tag names a ws(s) URL or turns peer-to-peer off', () => {
  assert.equal(parseTrackerUrl('ws://127.0.0.1:8081/tracker'), 'ws://127.0.0.1:8081/tracker');
  assert.equal(parseTrackerUrl('wss://relay.city.example/tracker'), 'wss://relay.city.example/tracker');
  for (const off of ['', 'http://relay/tracker', 'ws://a b', 'javascript:alert(1)']) assert.equal(parseTrackerUrl(off), null, off);
});

test('ICE servers are read leniently: a malformed list means none, not a broken page', () => {
  assert.deepEqual(parseIceServers('[{"urls":"stun:stun.example.org:3478"},{"urls":["turn:t.example.org"],"username":"u","credential":"c"}]'), [
    { urls: 'stun:stun.example.org:3478' },
    { urls: ['turn:t.example.org'], username: 'u', credential: 'c' },
  ]);
  assert.deepEqual(parseIceServers(''), []);
  assert.deepEqual(parseIceServers('{"urls":"stun:x"}'), []);
  assert.deepEqual(parseIceServers('not json'), []);
  assert.deepEqual(parseIceServers('[{"url":"stun:x"},{"urls":"stun:y"}]'), [{ urls: 'stun:y' }]);
});

test('one swarm per lesson, named as the tracker expects', () => {
  assert.equal(swarmIdFor('room-1-20260101-080000'), 'classcast-room-1-20260101-080000');
});

test('the P2P share counts bytes from peers against all media bytes', () => {
  const stats = emptyDeliveryStats();
  assert.equal(p2pShare(stats), 0);
  stats.httpBytes = 300;
  stats.p2pBytesDown = 700;
  assert.equal(p2pShare(stats), 0.7);
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(3_200_000), '3.2 MB');
});
