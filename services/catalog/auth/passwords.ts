// Password hashing for catalog accounts: scrypt from node:crypto, so no native module to build.
// A stored hash carries its own cost parameters and salt (`scrypt$N$r$p$salt$hash`), so the cost
// can be raised later without breaking the hashes already stored. A new password must also be hard
// to guess: zxcvbn-ts estimates that (common passwords, words, names, keyboard walks, repeats,
// sequences, dates, and the account's own username and display name), so no rule of ours does.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';
import { ApiError } from '../api/api-error.ts';

export const minPasswordLength = 10;
export const maxPasswordLength = 200;

/** 16 MiB of memory per hash: costly for a guessing rig, cheap for one login. */
const cost = { N: 16384, r: 8, p: 1 } as const;
const saltBytes = 16;
const keyBytes = 64;
/** A stored hash asking for more memory than this is refused rather than let it exhaust the process. */
const maxmem = 64 * 1024 * 1024;

/**
 * zxcvbn's score (0 to 4) a new password needs: 3 is "safely unguessable" (about 10^10 guesses),
 * far beyond what the login throttle lets through, and costly offline against scrypt.
 */
export const minPasswordScore = 3;

/** What to do about a refused password, for the error's hint. */
export const passwordAdvice = 'choose a passphrase of four or more words that are not a quote, a name, a date or your username';

/** Built on first use: the dictionaries take a moment and some memory to load. */
let strength: ZxcvbnFactory | undefined;
const estimateStrength = (password: string, userInputs: readonly string[]): ZxcvbnResult =>
  (strength ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
  })).check(password, [...userInputs]);

/**
 * Why a new password is refused, or undefined when it is acceptable. `userInputs`: the account's
 * username and display name, which a password must not be built from.
 */
export function passwordProblem(password: string, userInputs: readonly string[] = []): string | undefined {
  if (password.length < minPasswordLength) return `a password is at least ${minPasswordLength} characters`;
  if (password.length > maxPasswordLength) return `a password is at most ${maxPasswordLength} characters`;
  const estimate = estimateStrength(password, userInputs.filter((input) => input.length > 0));
  if (estimate.score >= minPasswordScore) return undefined;
  const why = estimate.feedback.warning ? ` (${lowerFirst(estimate.feedback.warning).replace(/\.$/, '')})` : '';
  return `this password is too easy to guess${why}: ${passwordAdvice}`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** Hashes a new password once passwordProblem accepts it; `userInputs` as there. */
export async function hashPassword(password: string, userInputs: readonly string[] = []): Promise<string> {
  const problem = passwordProblem(password, userInputs);
  if (problem) throw new ApiError(400, `password: ${problem}`, passwordAdvice);
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
