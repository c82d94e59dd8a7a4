// The one `::ffff:` stripping, which the RTMP caps, the tracker's limits and /hands count addresses by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress } from '../../services/core/client-address.ts';

test('an IPv4 client of a dual-stack listener counts as its IPv4 address', () => {
  assert.equal(clientAddress('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(clientAddress('192.0.2.7'), '192.0.2.7');
  assert.equal(clientAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(clientAddress('2001:db8::ffff:1'), '2001:db8::ffff:1', 'only the IPv4-mapped prefix goes');
});

test('a socket already gone counts as unknown', () => {
  assert.equal(clientAddress(undefined), 'unknown');
});
