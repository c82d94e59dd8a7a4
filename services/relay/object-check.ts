// Decides whether an object fetched from upstream may be cached and served: a broken upstream
// (garbage, an error page, a truncated body, a playlist that goes back in time) must not reach
// viewers or the cache. Pure, so each rule is tested without sockets.
import type { MediaFileKind } from '../origin/cache-policy.ts';
import { parsePlaylist } from '../core/parse-playlist.ts';

export type CheckResult = { ok: true; mediaSequence?: number } | { ok: false; reason: string };

/** ISO BMFF box types a CMAF init or media segment may start with. */
const firstBoxes = new Set(['ftyp', 'styp', 'moof', 'sidx', 'prft', 'emsg']);

export function checkObject(kind: MediaFileKind, body: Buffer, previousMediaSequence?: number): CheckResult {
  if (body.length === 0) return { ok: false, reason: 'empty body' };
  switch (kind) {
    case 'init':
    case 'segment': {
      const box = body.length >= 8 ? body.toString('latin1', 4, 8) : '';
      return firstBoxes.has(box) ? { ok: true } : { ok: false, reason: `not an MP4 ${kind} (starts with '${box.replace(/[^\x20-\x7e]/g, '?')}')` };
    }
    case 'master':
    case 'media-playlist': {
      const text = body.toString('utf8');
      if (!text.startsWith('#EXTM3U')) return { ok: false, reason: 'not an HLS playlist' };
      if (kind === 'master') return { ok: true };
      let parsed;
      try {
        parsed = parsePlaylist(text);
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
      const mediaSequence = parsed.mediaSequence ?? 0;
      if (previousMediaSequence !== undefined && mediaSequence < previousMediaSequence) {
        return { ok: false, reason: `media sequence went back from ${previousMediaSequence} to ${mediaSequence}` };
      }
      return { ok: true, mediaSequence };
    }
    case 'hash-list': {
      try {
        JSON.parse(body.toString('utf8'));
        return { ok: true };
      } catch {
        return { ok: false, reason: 'hash list is not JSON' };
      }
    }
  }
}
