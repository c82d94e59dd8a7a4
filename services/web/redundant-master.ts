// A master playlist made redundant across relays, the HLS way (Apple's "redundant streams"; RFC 8216
// §6.3.4 lets a client fail over to a variant with the same attributes): every variant stream is
// listed once per relay, with the same EXT-X-STREAM-INF attributes and that relay's URI, relays in
// the viewer's order. A native HLS player (Safari, iOS) plays the first relay's variants and moves
// to the next relay's when a playlist or segment stops loading; hls.js does the same (it turns the
// repeats into pathways "." and ".." and falls back through them). A protected lesson's token goes
// into every URI as a path prefix, /t/<token>/live/... (services/origin/path-token.ts): a native
// player resolves the segment and init URIs of the variant playlists against it and so sends the
// token with every file, while the playlists themselves stay the same for every viewer. Pure.

import { withPathToken } from '../origin/path-token.ts';

export type RedundantMasterInput = {
  /** The master playlist as the origin writes it (services/packager/master-playlist.ts). */
  master: string;
  /** Relay base URLs in the viewer's order, e.g. ["http://relay-a1:8081", "http://origin:8080"]. */
  relays: readonly string[];
  /** The folder of the master playlist on every relay, e.g. "/live/<lesson>/". */
  folder: string;
  /** A playback token every URI carries in its path (protected lessons), or none. */
  token?: string | undefined;
};

export function redundantMaster({ master, relays, folder, token }: RedundantMasterInput): string {
  const lines = master.split(/\r?\n/).map((line) => line.trim());
  const header: string[] = [];
  const variants: Array<{ info: string; uri: string }> = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const uri = lines.slice(index + 1).find((next) => next !== '' && !next.startsWith('#'));
      if (uri === undefined) break;
      variants.push({ info: line, uri });
      index = lines.indexOf(uri, index + 1);
    } else if (line !== '') {
      // Other tags (the header; I-frame or rendition groups with a URI="..." attribute) stay once, on the first relay.
      header.push(line.replace(/URI="([^"]*)"/, (_whole, uri: string) => `URI="${onRelay(uri, relays[0] ?? '', folder, token)}"`));
    }
  }
  if (!header[0]?.startsWith('#EXTM3U') || variants.length === 0) throw new Error('not a master playlist: no #EXTM3U or no variant stream');
  const body = relays.flatMap((relay) => variants.flatMap((variant) => [variant.info, onRelay(variant.uri, relay, folder, token)]));
  return [...header, ...body].join('\n') + '\n';
}

/** `uri` (relative to the master playlist's folder, or absolute) on `relay`, under the token's path prefix when given. */
function onRelay(uri: string, relay: string, folder: string, token: string | undefined): string {
  if (/^https?:\/\//.test(uri)) {
    if (token === undefined) return uri;
    const url = new URL(uri);
    return `${url.origin}${withPathToken(url.pathname, token)}${url.search}`;
  }
  const path = uri.startsWith('/') ? uri : `${folder}${uri}`;
  return `${relay.replace(/\/+$/, '')}${token === undefined ? path : withPathToken(path, token)}`;
}
