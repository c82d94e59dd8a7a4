// The local cluster's topology (scripts/cluster/topology.ts): who pulls from whom, on which ports,
// and that every node's configuration is one Classcast accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../services/core/config/load.ts';
import { clusterTopology, nodeIds, type ClusterPorts, type NodeId } from '../../scripts/cluster/topology.ts';
import { clusterUrlTable } from '../../scripts/cluster/url-table.ts';

const ports: ClusterPorts = {
  http: { catalog: 9000, 'ingest-1': 9001, 'ingest-2': 9002, origin: 9003, 'city-1': 9004, 'city-2': 9005, school: 9006 },
  rtmp: { 'ingest-1': 9101, 'ingest-2': 9102 },
};
const topology = clusterTopology({
  dir: '/tmp/cluster',
  databaseUrl: 'postgres://classcast@127.0.0.1:5432/classcast',
  ports,
  classroom: { id: 'cluster-room', key: 'cluster-secret-key' },
  playbackSecret: 'a'.repeat(64),
  ingestOverrides: { transcode: { maxRenditions: 1 } },
});
const config = (id: NodeId) => resolveConfig([{ source: `${id}.yml`, values: topology.node(id).config as Record<string, unknown> }]);
const url = (id: NodeId) => `http://127.0.0.1:${ports.http[id]}`;

test('every node has a valid configuration with its own id, port and data folder', () => {
  const seen = new Set<string>();
  for (const id of nodeIds) {
    const resolved = config(id);
    assert.equal(resolved.node.id, id);
    assert.equal(resolved.http.port, ports.http[id]);
    assert.equal(resolved.http.host, '127.0.0.1');
    assert.equal(resolved.demo.enabled, false, `${id}: no demo encoder inside a node`);
    assert.deepEqual(resolved.playback.secrets, ['a'.repeat(64)], `${id}: one playback secret for the whole cluster`);
    assert.ok(!seen.has(resolved.dataDir), `${id} shares its data folder`);
    seen.add(resolved.dataDir);
    assert.equal(topology.node(id).configFile, `/tmp/cluster/${id}.yml`);
  }
  assert.deepEqual(topology.tiers.flat().map((node) => node.id).sort(), [...nodeIds].sort());
});

test('the media path: ingest nodes <- origin <- city relays <- school relay (city-1 first)', () => {
  assert.deepEqual(config('origin').relay.upstreams, [url('ingest-1'), url('ingest-2')]);
  assert.deepEqual(config('city-1').relay.upstreams, [url('origin')]);
  assert.deepEqual(config('city-2').relay.upstreams, [url('origin')]);
  assert.deepEqual(config('school').relay.upstreams, [url('city-1'), url('city-2')]);
  for (const id of ['origin', 'city-1', 'city-2', 'school'] as const) assert.equal(topology.node(id).role, 'relay');
});

test('the catalog and both ingest nodes share the database; the ingest nodes carry the classroom and name their own addresses', () => {
  for (const id of ['catalog', 'ingest-1', 'ingest-2'] as const) assert.equal(config(id).databaseUrl, 'postgres://classcast@127.0.0.1:5432/classcast');
  for (const id of ['origin', 'city-1', 'city-2', 'school'] as const) assert.equal(config(id).databaseUrl, undefined, `${id} needs no database`);
  for (const id of ['ingest-1', 'ingest-2'] as const) {
    const resolved = config(id);
    assert.equal(topology.node(id).role, 'ingest');
    assert.deepEqual(resolved.classrooms, [{ id: 'cluster-room', key: 'cluster-secret-key' }]);
    assert.equal(resolved.rtmp.port, ports.rtmp[id]);
    assert.equal(resolved.ingest.rtmpUrl, `rtmp://127.0.0.1:${ports.rtmp[id]}/live`);
    assert.equal(resolved.ingest.httpUrl, url(id));
    assert.equal(resolved.transcode.maxRenditions, 1, 'the overrides reach the ingest nodes');
  }
  assert.equal(config('city-1').transcode.maxRenditions, 3, 'and nothing else');
});

test('the catalog gives players the school relay, then the city relays, and its dashboard reads every tier', () => {
  const catalog = config('catalog');
  assert.deepEqual(catalog.web.mediaUrls, [url('school'), url('city-1'), url('city-2')]);
  assert.deepEqual(
    catalog.dashboard.tiers.map((tier) => `${tier.kind} ${tier.url}`),
    [`ingest ${url('ingest-1')}`, `ingest ${url('ingest-2')}`, ...(['origin', 'city-1', 'city-2', 'school'] as const).map((id) => `relay ${url(id)}`)],
  );
  assert.equal(topology.catalogUrl, url('catalog'));
});

test('the catalog starts first and the school relay last (the cluster stops in reverse)', () => {
  const order = topology.tiers.map((tier) => tier.map((node) => node.id));
  assert.deepEqual(order, [['catalog'], ['ingest-1', 'ingest-2'], ['origin'], ['city-1', 'city-2'], ['school']]);
});

test('the URL table names every node, the RTMP push endpoints and the assignment API', () => {
  const table = clusterUrlTable(topology);
  for (const id of nodeIds) assert.match(table, new RegExp(`^${id} .*${url(id)}/$`, 'm'));
  assert.match(table, /rtmp:\/\/127\.0\.0\.1:9101\/live\/<stream key>/);
  assert.match(table, /rtmp:\/\/127\.0\.0\.1:9102\/live\/<stream key>/);
  assert.match(table, /http:\/\/127\.0\.0\.1:9000\/api\/v1\/ingest\/assignment/);
});
