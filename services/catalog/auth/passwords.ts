// Password hashing for catalog accounts: scrypt from node:crypto, so no native module to build.
// A stored hash carries its own cost parameters and salt (`scrypt$N$r$p$salt$hash`), so the cost
// can be raised later without breaking the hashes already stored.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ApiError } from '../api/api-error.ts';

export const minPasswordLength = 10;
export const maxPasswordLength = 200;

/** 16 MiB of memory per hash: costly for a guessing rig, cheap for one login. */
const cost = { N: 16384, r: 8, p: 1 } as const;
const saltBytes = 16;
const keyBytes = 64;
/** A stored hash asking for more memory than this is refused rather than let it exhaust the process. */
const maxmem = 64 * 1024 * 1024;

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < minPasswordLength) return `a password is at least ${minPasswordLength} characters`;
  if (password.length > maxPasswordLength) return `a password is at most ${maxPasswordLength} characters`;
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new ApiError(400, `password: ${problem}`, 'choose a longer passphrase');
  const salt = randomBytes(saltBytes);
  const key = await deriveKey(password, salt, keyBytes, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await deriveKey(password, parsed.salt, parsed.key.length, parsed.cost).catch(() => undefined);
  return key !== undefined && timingSafeEqual(key, parsed.key);
}

function parseHash(stored: string): { cost: ScryptOptions; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((text) => (/^[1-9]\d{0,7}$/.test(text!) ? Number(text) : NaN)) as [number, number, number];
  if (![N, r, p].every(Number.isSafeInteger)) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || key.length < 16) return undefined;
  return { cost: { N, r, p }, salt, key };
}

function deriveKey(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  // The same passphrase typed on two keyboards can arrive in two Unicode forms; NFC makes them one.
  const normalized = password.normalize('NFC');
  return new Promise((resolve, reject) =>
    scrypt(normalized, salt, length, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}
