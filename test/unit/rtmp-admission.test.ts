// The RTMP connection and publisher caps, per node and per address, and how a full node makes room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRtmpAdmission, type Admission, type AdmittedConnection } from '../../services/ingest/rtmp-admission.ts';

const caps = { maxConnections: 3, maxConnectionsPerIp: 2, maxHandshakesPerIp: 2, maxPublishers: 2, maxPublishersPerIp: 1 };

function admitted(admission: Admission): AdmittedConnection {
  assert.ok('admitted' in admission, `refused: ${'refused' in admission ? admission.refused : ''}`);
  return admission.admitted;
}

test('connections are capped per address, pending ones too, and slots come back on release', () => {
  const admission = createRtmpAdmission({ ...caps, maxConnections: 10, maxHandshakesPerIp: 1 });
  const first = admitted(admission.connect('10.0.0.1', () => {}));
  assert.deepEqual(admission.connect('10.0.0.1', () => {}), { refused: 'ip-handshakes' }, 'one pending connection per address');
  first.established();
  const second = admitted(admission.connect('10.0.0.1', () => {}));
  assert.deepEqual(admission.connect('10.0.0.1', () => {}), { refused: 'ip-connections' }, 'two connections per address in all');
  second.release();
  second.release(); // A second release of the same slot changes nothing.
  admitted(admission.connect('10.0.0.1', () => {}));
  assert.deepEqual(admission.counts(), { connections: 2, pending: 1, publishers: 0 });
});

test('a full node evicts the oldest pending connection of the address holding the most, never an established one', () => {
  const admission = createRtmpAdmission(caps);
  const evicted: string[] = [];
  const encoder = admitted(admission.connect('10.0.0.9', () => evicted.push('encoder')));
  encoder.established();
  admitted(admission.connect('10.0.0.1', () => evicted.push('flood-1')));
  const flood2 = admitted(admission.connect('10.0.0.1', () => evicted.push('flood-2')));
  // Full (3). A new connection from another address takes the place of 10.0.0.1's oldest.
  admitted(admission.connect('10.0.0.2', () => evicted.push('other')));
  assert.deepEqual(evicted, ['flood-1']);
  assert.deepEqual(admission.counts(), { connections: 3, pending: 2, publishers: 0 });
  // Now 10.0.0.1 and 10.0.0.2 hold one each: the older one (flood-2) goes.
  admitted(admission.connect('10.0.0.3', () => evicted.push('third')));
  assert.deepEqual(evicted, ['flood-1', 'flood-2']);
  flood2.release(); // Its socket's close comes later and changes nothing.
  assert.deepEqual(admission.counts(), { connections: 3, pending: 2, publishers: 0 });
});

test('a node full of established connections refuses a new one', () => {
  const admission = createRtmpAdmission({ ...caps, maxConnections: 2 });
  admitted(admission.connect('10.0.0.1', () => assert.fail('evicted an established connection'))).established();
  admitted(admission.connect('10.0.0.2', () => assert.fail('evicted an established connection'))).established();
  assert.deepEqual(admission.connect('10.0.0.3', () => {}), { refused: 'node-connections' });
});

test('publishers are capped per address and per node', () => {
  const admission = createRtmpAdmission({ ...caps, maxConnections: 10, maxConnectionsPerIp: 10 });
  assert.equal(admission.publish('10.0.0.1'), null);
  assert.equal(admission.publish('10.0.0.1'), 'ip-publishers');
  assert.equal(admission.publish('10.0.0.2'), null);
  assert.equal(admission.publish('10.0.0.3'), 'node-publishers');
  admission.unpublish('10.0.0.2');
  admission.unpublish('10.0.0.2'); // A second release of the same slot changes nothing.
  assert.equal(admission.publish('10.0.0.3'), null);
  assert.equal(admission.publish('10.0.0.4'), 'node-publishers');
});
