// The relay list of a routed viewer, in order: their city's relays (each with the P2P tracker beside
// it), then the province's media bases (the origin, its standby) for when every city relay fails.
// On those the viewer still announces to their city's first tracker, so swarms stay within a city.
// Pure.

/** One relay as the page names it (services/web/page-relays.ts): `tracker` '' plays over HTTP only. */
export type RoutedRelay = { media: string; tracker: string };

/** A city relay as the catalog keeps it: the tracker null means the relay's own /tracker. */
export type CityRelayEntry = { mediaUrl: string; trackerUrl: string | null };

export type RouteRelaysInput = {
  city: readonly CityRelayEntry[];
  province: readonly RoutedRelay[];
  /** Whether the platform shares segments at all (p2p.enabled): off, every tracker is ''. */
  p2p: boolean;
  /** The tracker of a media base that names none: its /tracker (services/web/pages.ts, trackerUrlFor). */
  trackerOf(media: string): string;
};

export function routeRelays({ city, province, p2p, trackerOf }: RouteRelaysInput): RoutedRelay[] {
  const fromCity = city.map((relay) => {
    const media = relay.mediaUrl.replace(/\/+$/, '');
    return { media, tracker: p2p ? (relay.trackerUrl ?? trackerOf(media)) : '' };
  });
  const cityTracker = fromCity[0]?.tracker;
  const listed = new Set(fromCity.map((relay) => relay.media));
  const fromProvince = province.filter((relay) => !listed.has(relay.media)).map((relay) => (cityTracker === undefined ? relay : { ...relay, tracker: cityTracker }));
  return [...fromCity, ...fromProvince];
}
