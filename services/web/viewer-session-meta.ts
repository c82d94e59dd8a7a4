// The signed viewer session a watch page is drawn with (services/core/viewer-session.ts): a fresh
// random viewer id per page load, signed with the playback secrets every tier shares.
import { randomBytes } from 'node:crypto';
import { signViewerSession, viewerSessionSeconds } from '../core/viewer-session.ts';

export type ViewerSessionSigner = { secrets: readonly string[] };

/** '' without secrets: the page then reports nothing a tier would accept. */
export function newViewerSession(signer: ViewerSessionSigner | undefined, now = Date.now()): string {
  if (!signer || signer.secrets.length === 0) return '';
  return signViewerSession(signer.secrets, randomBytes(16).toString('hex'), Math.floor(now / 1000) + viewerSessionSeconds);
}
