// The relays a watch, time-shift or replay page gives its player, in order: each relay's media base
// URL with the P2P tracker its viewers announce to. The player plays from the first and moves to the
// next when one fails (player/src/relay-list.ts reads `<meta name="classcast-relays">`). Pure.
import type { Request } from 'express';

/** Where viewers fetch media for a request: relay base URLs in order of preference, one, or none (this origin). */
export type MediaBase = (request: Request) => string | readonly string[] | undefined;

/** One relay as the page names it: `tracker` is '' where the page plays over HTTP only. */
export type PageRelay = { media: string; tracker: string };

/** The media bases `mediaBase` gives for a request, without empty ones or trailing slashes. */
export function mediaBasesFor(request: Request, mediaBase: MediaBase): string[] {
  const given = mediaBase(request) ?? [];
  const bases = (typeof given === 'string' ? [given] : given).map((base) => base.replace(/\/+$/, '')).filter((base) => base !== '');
  return [...new Set(bases)];
}

/** The page's relays: each media base with its tracker (`trackerFor` gives '' when there is none). */
export function pageRelays(bases: readonly string[], trackerFor: (base: string) => string): PageRelay[] {
  return bases.map((media) => ({ media, tracker: trackerFor(media) }));
}

/** The content of `<meta name="classcast-relays">`: the relays as JSON (empty list: this origin). */
export function relaysMetaContent(relays: readonly PageRelay[]): string {
  return JSON.stringify(relays);
}
