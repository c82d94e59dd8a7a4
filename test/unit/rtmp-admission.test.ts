// The RTMP connection and publisher caps, per node and per address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, createRtmpAdmission } from '../../services/ingest/rtmp-admission.ts';

test('connections are capped per address and per node, and slots come back on disconnect', () => {
  const admission = createRtmpAdmission({ maxConnections: 3, maxConnectionsPerIp: 2, maxPublishers: 2, maxPublishersPerIp: 1 });
  assert.equal(admission.connect('10.0.0.1'), null);
  assert.equal(admission.connect('10.0.0.1'), null);
  assert.equal(admission.connect('10.0.0.1'), 'ip-connections');
  assert.equal(admission.connect('10.0.0.2'), null);
  assert.equal(admission.connect('10.0.0.3'), 'node-connections');
  admission.disconnect('10.0.0.1');
  assert.equal(admission.connect('10.0.0.3'), null);
  assert.deepEqual(admission.counts(), { connections: 3, publishers: 0 });
});

test('publishers are capped per address and per node', () => {
  const admission = createRtmpAdmission({ maxConnections: 10, maxConnectionsPerIp: 10, maxPublishers: 2, maxPublishersPerIp: 1 });
  assert.equal(admission.publish('10.0.0.1'), null);
  assert.equal(admission.publish('10.0.0.1'), 'ip-publishers');
  assert.equal(admission.publish('10.0.0.2'), null);
  assert.equal(admission.publish('10.0.0.3'), 'node-publishers');
  admission.unpublish('10.0.0.2');
  admission.unpublish('10.0.0.2'); // A second release of the same slot changes nothing.
  assert.equal(admission.publish('10.0.0.3'), null);
  assert.equal(admission.publish('10.0.0.4'), 'node-publishers');
});

test('an IPv4 client of a dual-stack listener counts as its IPv4 address', () => {
  assert.equal(clientAddress('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(clientAddress('2001:db8::1'), '2001:db8::1');
});
