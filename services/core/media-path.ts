// Every file served from the media root goes through here, so a request can never name a file
// outside it: no "..", no encoded or literal slashes inside a part, no absolute paths, no NUL bytes.
import { resolve, sep } from 'node:path';

export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

const safePart = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `part` can be one component of a media path (a lesson id, rendition or file name). */
export function isSafePathPart(part: string): boolean {
  return safePart.test(part) && !part.includes('..');
}

/** Joins `parts` under `root`, refusing anything that is not a plain name or that would leave the root. */
export function resolveMediaPath(root: string, parts: string[]): string {
  for (const part of parts) {
    if (!isSafePathPart(part)) throw new UnsafePathError(`'${part.replace(/[^\x20-\x7e]/g, '?')}' is not a valid media path part`);
  }
  const base = resolve(root);
  const full = resolve(base, ...parts);
  if (full !== base && !full.startsWith(base + sep)) throw new UnsafePathError('path leaves the media root');
  return full;
}
