// Which city a page's viewer is in and that city's relays: a signed-in account's school's city, else
// the city of the most specific operator-mapped range holding the client's address (request.ip, so
// behind a proxy http.trustProxy must be set for it to be the viewer's). The relays and ranges are
// read at most every `refreshMs` (an operator's change applies within that), the account per request.
import type { Request } from 'express';
import type { Queryable } from '../db/database.ts';
import { readSessionToken } from '../auth/session-cookie.ts';
import { findSessionAccount } from '../auth/sessions.ts';
import { cityOfAddress, parseRanges, type ParsedRange } from './address-ranges.ts';
import { schoolCityId, type CityRelay } from '../queries/city-routing.ts';

/** `via`: how the city was found ('school': the account's; 'address': a mapped range; 'none': not at all). */
export type ViewerCity = { cityId: number | null; via: 'school' | 'address' | 'none'; relays: CityRelay[] };

export type ViewerCities = { of(request: Request): Promise<ViewerCity> };

type Snapshot = { at: number; ranges: ParsedRange[]; relays: Map<number, CityRelay[]> };

export function createViewerCities(db: Queryable, refreshMs = 2000): ViewerCities {
  let snapshot: Promise<Snapshot> | undefined;
  const current = async (): Promise<Snapshot> => {
    const now = Date.now();
    const held = snapshot && (await snapshot.catch(() => undefined));
    if (held && now - held.at < refreshMs) return held;
    snapshot = read(db, now);
    return snapshot;
  };
  return {
    async of(request) {
      const { ranges, relays } = await current();
      const token = readSessionToken(request);
      const account = token ? await findSessionAccount(db, token) : null;
      const schoolCity = account?.schoolId != null ? await schoolCityId(db, account.schoolId) : undefined;
      if (schoolCity !== undefined) return { cityId: schoolCity, via: 'school', relays: relays.get(schoolCity) ?? [] };
      const addressCity = cityOfAddress(ranges, request.ip);
      if (addressCity !== undefined) return { cityId: addressCity, via: 'address', relays: relays.get(addressCity) ?? [] };
      return { cityId: null, via: 'none', relays: [] };
    },
  };
}

async function read(db: Queryable, at: number): Promise<Snapshot> {
  const [rangeRows, relayRows] = await Promise.all([
    db.query<{ city_id: number; cidr: string }>('select city_id, cidr from city_address_ranges'),
    db.query<{ id: number; city_id: number; media_url: string; tracker_url: string | null; position: number }>('select id, city_id, media_url, tracker_url, position from city_relays order by position, id'),
  ]);
  const relays = new Map<number, CityRelay[]>();
  for (const row of relayRows) {
    const list = relays.get(row.city_id) ?? [];
    list.push({ id: row.id, cityId: row.city_id, mediaUrl: row.media_url, trackerUrl: row.tracker_url, position: row.position });
    relays.set(row.city_id, list);
  }
  return { at, ranges: parseRanges(rangeRows.map((row) => ({ cityId: row.city_id, cidr: row.cidr }))), relays };
}
