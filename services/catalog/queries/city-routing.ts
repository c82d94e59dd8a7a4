// The catalog's side of routing viewers to their own city (migrations/017_city_routing.sql): each
// city's relays in order, the operator's map of address ranges to cities, and a signed-in viewer's
// city (their school's).
import { queryOne, type Queryable } from '../db/database.ts';

export type CityRelay = { id: number; cityId: number; mediaUrl: string; trackerUrl: string | null; position: number };
export type AddressRange = { id: number; cityId: number; cidr: string; note: string };

type RelayRow = { id: number; city_id: number; media_url: string; tracker_url: string | null; position: number };
type RangeRow = { id: number; city_id: number; cidr: string; note: string };

const toRelay = (row: RelayRow): CityRelay => ({ id: row.id, cityId: row.city_id, mediaUrl: row.media_url, trackerUrl: row.tracker_url, position: row.position });
const toRange = (row: RangeRow): AddressRange => ({ id: row.id, cityId: row.city_id, cidr: row.cidr, note: row.note });

/** A city's relays in the order its viewers try them. */
export async function listCityRelays(db: Queryable, cityId: number): Promise<CityRelay[]> {
  return (await db.query<RelayRow>('select id, city_id, media_url, tracker_url, position from city_relays where city_id = $1 order by position, id', [cityId])).map(toRelay);
}

export async function addCityRelay(db: Queryable, relay: Omit<CityRelay, 'id'>): Promise<CityRelay> {
  const row = await queryOne<RelayRow>(
    db,
    'insert into city_relays (city_id, media_url, tracker_url, position) values ($1, $2, $3, $4) returning id, city_id, media_url, tracker_url, position',
    [relay.cityId, relay.mediaUrl, relay.trackerUrl, relay.position],
  );
  return toRelay(row!);
}

export async function deleteCityRelay(db: Queryable, cityId: number, id: number): Promise<boolean> {
  return (await db.query('delete from city_relays where city_id = $1 and id = $2 returning id', [cityId, id])).length > 0;
}

export async function listAddressRanges(db: Queryable): Promise<AddressRange[]> {
  return (await db.query<RangeRow>('select id, city_id, cidr, note from city_address_ranges order by city_id, cidr')).map(toRange);
}

/** `cidr` in its canonical form (address-ranges.ts, canonicalCidr). */
export async function addAddressRange(db: Queryable, range: Omit<AddressRange, 'id'>): Promise<AddressRange> {
  const row = await queryOne<RangeRow>(db, 'insert into city_address_ranges (city_id, cidr, note) values ($1, $2, $3) returning id, city_id, cidr, note', [range.cityId, range.cidr, range.note]);
  return toRange(row!);
}

export async function deleteAddressRange(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('delete from city_address_ranges where id = $1 returning id', [id])).length > 0;
}

/** The city of a school, or undefined when there is no such school. */
export async function schoolCityId(db: Queryable, schoolId: number): Promise<number | undefined> {
  return (await queryOne<{ city_id: number }>(db, 'select city_id from schools where id = $1', [schoolId]))?.city_id;
}
