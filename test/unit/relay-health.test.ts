// What a relay's /healthz answer says about it on the admin page's routing tab: up, up with some of
// its upstreams down, or not a health answer at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateOf } from '../../services/catalog/routing/relay-health.ts';

test("a relay's state from its /healthz answer", () => {
  assert.deepEqual(stateOf({ status: 'ok', role: 'relay', upstreams: [{ url: 'http://a', up: true }, { url: 'http://b', up: true }] }), { status: 'up', upstreams: { up: 2, total: 2 } });
  assert.deepEqual(stateOf({ status: 'ok', upstreams: [{ url: 'http://a', up: false }, { url: 'http://b', up: true }] }), { status: 'upstream-down', upstreams: { up: 1, total: 2 } });
  // An origin, or an nginx relay's own health page in our format, lists no upstreams: it is up.
  assert.deepEqual(stateOf({ status: 'ok', role: 'all' }), { status: 'up', upstreams: { up: 0, total: 0 } });
  assert.equal(stateOf('<html>').status, 'unreachable');
  assert.deepEqual(stateOf({ status: 'starting' }), { status: 'unreachable', problem: 'notHealth', reason: 'not a health answer' });
});
