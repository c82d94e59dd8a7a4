// `classcast create-operator` as an operator runs it from a shell: a real child process writes the
// embedded catalog under --data-dir, and the account it made then signs in over the real API.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { findAccountByUsername } from '../../services/catalog/auth/accounts.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';

const bin = new URL('../../bin/classcast.js', import.meta.url).pathname;

function createOperator(args: string[], options: { password?: string; stdin?: string } = {}) {
  // The child must use the embedded catalog under --data-dir, whatever this shell points at.
  const { DATABASE_URL: _ignored, CLASSCAST_PASSWORD: _alsoIgnored, ...env } = process.env;
  const result = spawnSync('node', [bin, 'create-operator', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...env, ...(options.password !== undefined ? { CLASSCAST_PASSWORD: options.password } : {}) },
    input: options.stdin ?? '',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('classcast create-operator', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'classcast-create-operator-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates operators from CLASSCAST_PASSWORD or stdin and refuses short passwords, taken names and a missing --username', () => {
    const made = createOperator(['--username', 'province-root', '--display-name', 'Province Root', '--data-dir', dataDir], { password: 'a long enough passphrase' });
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /^created operator province-root \(account \d+\)/);
    assert.equal(made.stdout.trim().split('\n').length, 1, 'one line of confirmation');

    const fromStdin = createOperator(['--username', 'night-shift', '--data-dir', dataDir], { stdin: 'typed on stdin please\n' });
    assert.equal(fromStdin.status, 0, fromStdin.stderr);

    const short = createOperator(['--username', 'too-short', '--data-dir', dataDir], { password: 'short' });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /password: a password is at least 10 characters/);

    const taken = createOperator(['--username', 'PROVINCE-ROOT', '--data-dir', dataDir], { password: 'another long passphrase' });
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /username: PROVINCE-ROOT is taken/);

    const noPassword = createOperator(['--username', 'no-password', '--data-dir', dataDir]);
    assert.equal(noPassword.status, 1);
    assert.match(noPassword.stderr, /CLASSCAST_PASSWORD/);

    const noUsername = createOperator(['--data-dir', dataDir], { password: 'a long enough passphrase' });
    assert.equal(noUsername.status, 2);
    assert.match(noUsername.stderr, /--username/);
  });

  it('leaves accounts in the catalog under --data-dir that sign in over the API', async () => {
    setLogLevel('warn');
    const log = createLogger({ role: 'catalog', node: 'test' });
    const db = await openDatabase({ dataDir }, log);
    const config = resolveConfig([{ source: 'test', values: { dataDir } }]);
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routers: [catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1:1935/live' })],
      log,
      health: () => ({}),
    });
    try {
      const root = await findAccountByUsername(db, 'province-root');
      assert.deepEqual({ ...root?.account, id: 0 }, { id: 0, username: 'province-root', displayName: 'Province Root', role: 'operator', schoolId: null, locale: null, disabled: false });
      for (const name of ['too-short', 'no-password']) assert.equal(await findAccountByUsername(db, name), undefined, `${name} was not created`);
      const login = (username: string, password: string) =>
        fetch(`http://127.0.0.1:${server.port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      const signedIn = await login('province-root', 'a long enough passphrase');
      assert.equal(signedIn.status, 200);
      assert.equal(((await signedIn.json()) as { account: { role: string } }).account.role, 'operator');
      const night = await login('night-shift', 'typed on stdin please');
      assert.equal(night.status, 200, 'the stdin password is the line, without its newline');
      assert.equal((await login('province-root', 'another long passphrase')).status, 401);
    } finally {
      await server.close();
      await db.close();
    }
  });
});
