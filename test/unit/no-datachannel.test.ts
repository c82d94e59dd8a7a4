// bittorrent-tracker pulls in node-datachannel (through simple-peer and webrtc-polyfill), whose
// install downloads a native build. package.json's `overrides` puts our stub (stubs/node-datachannel)
// in its place: the lock file must hold nothing else under that name, nor node-datachannel's
// download tooling, and what is installed must be the stub.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const root = new URL('../../', import.meta.url);

type LockPackage = { version?: string; resolved?: string; link?: boolean; dependencies?: Record<string, string> };

test('the lock file has only the stub for node-datachannel', async () => {
  const manifest = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as { overrides?: Record<string, string>; dependencies: Record<string, string> };
  assert.equal(manifest.overrides?.['node-datachannel'], '$node-datachannel');
  assert.equal(manifest.dependencies['node-datachannel'], 'file:stubs/node-datachannel');

  const lock = JSON.parse(await readFile(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, LockPackage> };
  const entries = Object.entries(lock.packages);
  const named = entries.filter(([path]) => path.endsWith('node-datachannel'));
  assert.deepEqual(named, [
    ['node_modules/node-datachannel', { resolved: 'stubs/node-datachannel', link: true }],
    ['stubs/node-datachannel', { version: '0.0.0-classcast-stub', license: 'Apache-2.0' }],
  ]);
  for (const tool of ['prebuild-install', 'cmake-js', 'node-gyp']) {
    assert.deepEqual(entries.filter(([path]) => path.endsWith(`node_modules/${tool}`)).map(([path]) => path), [], `${tool} in the lock file`);
  }
  // The chain that wanted it is still there, now satisfied by the stub.
  assert.ok(lock.packages['node_modules/webrtc-polyfill']?.dependencies?.['node-datachannel']);
});

test('the server loads without WebRTC, and WebRTC code fails clearly if loaded', async () => {
  const { default: Server } = await import('bittorrent-tracker/server');
  assert.equal(typeof Server, 'function');
  // The package root brings the WebRTC client; a name in a variable, as nothing types that entry.
  const clientEntry = 'bittorrent-tracker';
  await assert.rejects(import(clientEntry), /node-datachannel is not available on the Classcast server/);
});
