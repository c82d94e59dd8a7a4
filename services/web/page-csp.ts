// The Content-Security-Policy of the web pages, built per page because what a page may reach is known
// only when it is drawn: the relay this viewer plays through (another origin) and the P2P tracker's
// WebSocket. Scripts and styles come from this server alone (no inline code: the server hands pages
// their settings in <meta> tags); media plays from blob: URLs (Media Source Extensions) or straight
// from the media origin (the browser's own HLS); hls.js runs its worker from /assets. Media and JSON
// answers carry no policy: a policy governs documents only. Pure, so each rule is tested alone.
import { createHash } from 'node:crypto';

export type PageSources = {
  /** Base URLs viewers fetch media from (a relay), besides this server. */
  media?: readonly string[];
  /** WebSocket URLs the page connects to (the P2P tracker). */
  sockets?: readonly string[];
  /** Texts of <style> elements the page's own script puts in (allowed by their hash). */
  inlineStyles?: readonly string[];
};

export function pageContentSecurityPolicy(sources: PageSources = {}): string {
  const media = originsOf(sources.media ?? [], ['http:', 'https:']);
  const sockets = originsOf(sources.sockets ?? [], ['ws:', 'wss:']);
  const styleHashes = (sources.inlineStyles ?? []).map((text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", ...styleHashes]],
    // data: for the blank favicon and video.js's icon font, which its stylesheet carries inline;
    // the media origin for lesson posters and seek-bar thumbnail sprites (services/pictures/).
    ['img-src', ["'self'", 'data:', ...media]],
    ['font-src', ["'self'", 'data:']],
    ['media-src', ["'self'", 'blob:', ...media]],
    // Playlists, segments, hash lists and player reports go to the media origin; peers meet at the tracker.
    ['connect-src', ["'self'", ...media, ...sockets]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${[...new Set(values)].join(' ')}`).join('; ');
}

/** The origins of `urls` with one of `schemes`; anything else (empty, relative, malformed) names no other origin. */
function originsOf(urls: readonly string[], schemes: readonly string[]): string[] {
  const origins: string[] = [];
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    // URL.origin is "null" for ws: URLs, so it is put together here.
    if (schemes.includes(parsed.protocol)) origins.push(`${parsed.protocol}//${parsed.host}`);
  }
  return origins;
}
