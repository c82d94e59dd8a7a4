// New stream keys: 24 random bytes as base64url (32 characters, 192 bits), within the key pattern
// ingest and the database accept, and too long to guess.
import { randomBytes } from 'node:crypto';

export function newStreamKey(): string {
  return randomBytes(24).toString('base64url');
}
