// Counts the bytes the province origin sends for /live and /vod, so the dashboard shows the
// province's real egress rather than an estimate from what relays and viewers say they fetched.
// Counted from the socket (bytes written while the response was open), so a viewer who aborts a
// segment halfway is counted for what it really took, and headers are included, as on the wire.
import { Router } from 'express';
import type { MediaSpace } from './media-request.ts';
import { pathTokenPrefix } from './path-token.ts';

export type EgressMeter = {
  /** Mount before the media routes: it only watches, never answers. */
  router: Router;
  /** Bytes sent so far per URL space. */
  totals(): Record<MediaSpace, number>;
};

export function createEgressMeter(): EgressMeter {
  const totals: Record<MediaSpace, number> = { live: 0, vod: 0 };
  const router = Router();
  for (const space of ['live', 'vod'] as const) {
    // A native player's path token (path-token.ts) is the same URL space.
    router.use([`/${space}`, `${pathTokenPrefix}:token/${space}`], (request, response, next) => {
      const socket = request.socket;
      const before = socket.bytesWritten;
      // 'close' comes after the last byte was handed to the socket, or when the viewer went away.
      response.once('close', () => (totals[space] += Math.max(0, socket.bytesWritten - before)));
      next();
    });
  }
  return { router, totals: () => ({ ...totals }) };
}
