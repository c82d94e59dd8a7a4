// Password hashing: the stored format, verification, and refusal of bad passwords (too short, too
// long, too easy to guess) and bad hashes.
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../services/catalog/api/api-error.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../services/catalog/auth/passwords.ts';

describe('passwords', () => {
  it('hashes to scrypt$N$r$p$salt$hash with a 16-byte salt and a 64-byte key, and verifies', async () => {
    const stored = await hashPassword('correct horse battery');
    const parts = stored.split('$');
    assert.deepEqual(parts.slice(0, 4), ['scrypt', '16384', '8', '1']);
    assert.equal(Buffer.from(parts[4]!, 'base64').length, 16);
    assert.equal(Buffer.from(parts[5]!, 'base64').length, 64);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
  });

  it('salts every hash, so one password hashes two ways and both verify', async () => {
    const [first, second] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')]);
    assert.notEqual(first, second);
    assert.equal(await verifyPassword('same password here', first), true);
    assert.equal(await verifyPassword('same password here', second), true);
  });

  it('refuses a wrong password, a near miss, and the empty string', async () => {
    const stored = await hashPassword('correct horse battery');
    assert.equal(await verifyPassword('correct horse batterx', stored), false);
    assert.equal(await verifyPassword('Correct horse battery', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('treats Unicode forms of one passphrase as one (NFC)', async () => {
    const composed = 'caf\u00e9 au lait du matin';
    const decomposed = 'cafe\u0301 au lait du matin';
    assert.notEqual(composed, decomposed);
    assert.equal(await verifyPassword(decomposed, await hashPassword(composed)), true);
  });

  it('answers false, not an exception, for malformed stored hashes', async () => {
    const good = await hashPassword('correct horse battery');
    const [, , , , salt, key] = good.split('$');
    for (const stored of [
      '',
      'plain text password',
      'bcrypt$10$abc',
      `scrypt$16384$8$1$${salt}`,
      `scrypt$abc$8$1$${salt}$${key}`,
      `scrypt$16384$8$1$$${key}`,
      `scrypt$16384$8$1$${salt}$`,
      `scrypt$16383$8$1$${salt}$${key}`,
      `scrypt$99999999$8$1$${salt}$${key}`,
      `argon2$16384$8$1$${salt}$${key}`,
    ]) {
      assert.equal(await verifyPassword('correct horse battery', stored), false, stored);
    }
  });

  it('refuses passwords shorter than 10 or longer than 200 characters with a message naming the rule', async () => {
    await assert.rejects(hashPassword('nine char'), (error: unknown) => error instanceof ApiError && error.status === 400 && /password: a password is at least 10 characters/.test(error.message));
    await assert.rejects(hashPassword('x'.repeat(201)), (error: unknown) => error instanceof ApiError && /at most 200 characters/.test(error.message));
    assert.equal(await verifyPassword('ten chars!', await hashPassword('ten chars!')), true);
    const longest = randomBytes(150).toString('base64');
    assert.equal(longest.length, 200);
    assert.equal(await verifyPassword(longest, await hashPassword(longest)), true);
  });

  it('refuses common and trivial passwords of any length, and one built from the username, saying what to choose instead', async () => {
    const refused = (password: string, userInputs: string[] = []) =>
      assert.rejects(
        hashPassword(password, userInputs),
        (error: unknown) => error instanceof ApiError && error.status === 400 && /^password: this password is too easy to guess/.test(error.message) && /passphrase of four or more words/.test(error.message),
        JSON.stringify(password),
      );
    for (const password of [' '.repeat(10), '\0'.repeat(10), '1234567890', 'password1234', 'qwertyuiop', 'y'.repeat(200)]) await refused(password);
    await refused('olga-the-operator', ['olga-the-operator', 'Olga']);
    await refused('Olga-the-operator-1', ['olga-the-operator', 'Olga']);
    assert.equal(passwordProblem('violet kettle marches sideways', ['olga-the-operator', 'Olga']), undefined);
  });
});
