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

/** Every city's relays, by city and then in the order its viewers try them. */
export async function listAllCityRelays(db: Queryable): Promise<CityRelay[]> {
  return (await db.query<RelayRow>('select id, city_id, media_url, tracker_url, position from city_relays order by city_id, position, id')).map(toRelay);
}

/** Changes what `change` names of a city's relay; undefined when the city has no such relay. */
export async function updateCityRelay(db: Queryable, cityId: number, id: number, change: Partial<Pick<CityRelay, 'mediaUrl' | 'trackerUrl' | 'position'>>): Promise<CityRelay | undefined> {
  const row = await queryOne<RelayRow>(
    db,
    `update city_relays set
       media_url = case when $3 then $4 else media_url end,
       tracker_url = case when $5 then $6 else tracker_url end,
       position = case when $7 then $8::integer else position end
     where city_id = $1 and id = $2
     returning id, city_id, media_url, tracker_url, position`,
    [cityId, id, change.mediaUrl !== undefined, change.mediaUrl ?? null, change.trackerUrl !== undefined, change.trackerUrl ?? null, change.position !== undefined, change.position ?? null],
  );
  return row && toRelay(row);
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

/** Changes what `change` names of a range (`cidr` in its canonical form); undefined when there is no such range. */
export async function updateAddressRange(db: Queryable, id: number, change: Partial<Omit<AddressRange, 'id'>>): Promise<AddressRange | undefined> {
  const row = await queryOne<RangeRow>(
    db,
    `update city_address_ranges set
       cidr = coalesce($2, cidr),
       city_id = coalesce($3::integer, city_id),
       note = coalesce($4, note)
     where id = $1
     returning id, city_id, cidr, note`,
    [id, change.cidr ?? null, change.cityId ?? null, change.note ?? null],
  );
  return row && toRange(row);
}

export async function deleteAddressRange(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('delete from city_address_ranges where id = $1 returning id', [id])).length > 0;
}

/** The city of a school, or undefined when there is no such school. */
export async function schoolCityId(db: Queryable, schoolId: number): Promise<number | undefined> {
  return (await queryOne<{ city_id: number }>(db, 'select city_id from schools where id = $1', [schoolId]))?.city_id;
}
