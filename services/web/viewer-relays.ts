// The relays a page's viewer plays through: their city's relays first (services/catalog/routing/),
// then the province's media bases (web.mediaUrls, or the process's own in `all`), each with the P2P
// tracker its viewers announce to. Without a known city, or a city without relays, the province's
// list alone, as before routing.
import type { Request } from 'express';
import type { P2pConfig } from '../core/config/schema.ts';
import type { ViewerCities } from '../catalog/routing/viewer-city.ts';
import { routeRelays } from '../catalog/routing/route-relays.ts';
import { mediaBasesFor, pageRelays, type MediaBase, type PageRelay } from './page-relays.ts';

export type PageRouting = { mediaBase: MediaBase; p2p: P2pConfig; cities?: ViewerCities | undefined };

/** This server's own base URL as the viewer reached it. */
export function ownBase(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? request.hostname}`;
}

/**
 * The tracker of a province media base: the one configured for all (p2p.trackerUrl), else the
 * base's own /tracker ('' for this server: its own).
 */
export function provinceTracker(request: Request, p2p: P2pConfig, base: string): string {
  return p2p.enabled ? (p2p.trackerUrl ?? trackerUrlFor(base || ownBase(request))) : '';
}

export async function relaysForViewer(request: Request, routing: PageRouting): Promise<PageRelay[]> {
  const bases = mediaBasesFor(request, routing.mediaBase);
  const city = routing.cities ? (await routing.cities.of(request)).relays : [];
  if (city.length === 0) return pageRelays(bases, (base) => provinceTracker(request, routing.p2p, base));
  // The province's own media, where none is named, is this server's: after the city's, it must be named.
  const province = pageRelays(bases.length > 0 ? bases : [ownBase(request)], (base) => provinceTracker(request, routing.p2p, base));
  return routeRelays({ city, province, p2p: routing.p2p.enabled, trackerOf: trackerUrlFor });
}

/**
 * The tracker viewers of this media base announce to: the WebSocket endpoint at /tracker on the same
 * server (a city relay runs one beside its cache, so viewers meet viewers of their own city).
 */
export function trackerUrlFor(mediaBase: string): string {
  return `${mediaBase.replace(/\/+$/, '').replace(/^http(s?):\/\//, 'ws$1://')}/tracker`;
}
