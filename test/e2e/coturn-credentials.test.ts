// The TURN credentials Classcast hands a call's browsers (services/hands/turn-credentials.ts) against
// a real coturn (Debian's `coturn`) run from deploy/coturn/turnserver.conf: with the shared secret it
// allocates a relay and carries packets both ways (turnutils_uclient, coturn's own client); a wrong
// password and an expired username are refused. The example is run as shipped but for what cannot
// run here: its TLS certificate, syslog, and its refusal to relay to loopback (the test's only peer).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { turnRestCredentials } from '../../services/hands/turn-credentials.ts';
import { waitFor } from '../helpers/wait-for.ts';

const example = fileURLToPath(new URL('../../deploy/coturn/turnserver.conf', import.meta.url));
const secret = 'hands-test-secret-0123456789abcdef';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** coturn's client allocating a relay and sending 10 packets to itself through it; answers its exit status. */
function allocate(port: number, username: string, password: string): { status: number | null; output: string } {
  const result = spawnSync('turnutils_uclient', ['-p', String(port), '-u', username, '-w', password, '-y', '-n', '10', '-m', '1', '-l', '100', '127.0.0.1'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`turnutils_uclient could not run (${result.error.message}): install Debian's coturn`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('TURN REST credentials against coturn with deploy/coturn/turnserver.conf', { timeout: 120_000 }, () => {
  let dir: string;
  let server: ChildProcess;
  let port: number;

  before(async () => {
    const text = readFileSync(example, 'utf8');
    assert.match(text, /^use-auth-secret$/m);
    assert.match(text, /^static-auth-secret=/m);
    dir = mkdtempSync(join(tmpdir(), 'classcast-coturn-'));
    port = await freePort();
    const kept = text.split('\n').filter((line) => !/^(listening-port|tls-listening-port|cert|pkey|syslog|static-auth-secret|denied-peer-ip=127\.|denied-peer-ip=::1)\b/.test(line));
    const overrides = [`listening-port=${port}`, 'listening-ip=127.0.0.1', 'relay-ip=127.0.0.1', 'allow-loopback-peers', 'no-tls', 'no-dtls', `static-auth-secret=${secret}`, 'log-file=stdout', `pidfile=${join(dir, 'turnserver.pid')}`];
    writeFileSync(join(dir, 'turnserver.conf'), [...kept, ...overrides].join('\n'));
    let log = '';
    server = spawn('turnserver', ['-c', join(dir, 'turnserver.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.on('error', (error) => (log += `turnserver could not run (${error.message}): install Debian's coturn\n`));
    server.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitFor(`coturn listening on ${port}`, () => /listener opened on\s*:\s*127\.0\.0\.1:\d+/i.test(log) || log.includes('Total General servers'), 20_000);
  });
  after(() => {
    server?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('credentials made from the shared secret allocate a relay that carries packets', () => {
    const { username, credential } = turnRestCredentials(secret, 42, Math.floor(Date.now() / 1000) + 600);
    const answer = allocate(port, username, credential);
    assert.equal(answer.status, 0, answer.output.slice(-800));
    assert.match(answer.output, /Total lost packets 0 /);
  });

  test('a wrong password and an expired username are refused', () => {
    const { username } = turnRestCredentials(secret, 42, Math.floor(Date.now() / 1000) + 600);
    const wrong = allocate(port, username, 'not-the-credential');
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.output, /Cannot complete Allocation/);
    const expired = turnRestCredentials(secret, 42, Math.floor(Date.now() / 1000) - 60);
    const late = allocate(port, expired.username, expired.credential);
    assert.notEqual(late.status, 0);
    assert.match(late.output, /Cannot complete Allocation/);
  });
});
