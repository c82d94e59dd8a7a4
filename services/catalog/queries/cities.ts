// Cities of the province: the first level of the catalog's tree, and a timetable filter.
import { queryOne, type Queryable } from '../db/database.ts';
import { conditions, listPage, type Listed, type PageWindow } from './sql-helpers.ts';

export type City = { id: number; provinceId: number; name: string; schoolCount: number };

type CityRow = { id: number; province_id: number; name: string; school_count: number };

const select = 'select c.id, c.province_id, c.name, (select count(*)::int from schools s where s.city_id = c.id) as school_count';

const toCity = (row: CityRow): City => ({ id: row.id, provinceId: row.province_id, name: row.name, schoolCount: row.school_count });

export function listCities(db: Queryable, window: PageWindow): Promise<Listed<City>> {
  return listPage(db, { select, from: 'from cities c', where: conditions(), orderBy: 'c.name, c.id' }, window, toCity);
}

export async function getCity(db: Queryable, id: number): Promise<City | undefined> {
  const row = await queryOne<CityRow>(db, `${select} from cities c where c.id = $1`, [id]);
  return row && toCity(row);
}

/** New cities belong to the province (there is one per catalog). */
export async function createCity(db: Queryable, name: string): Promise<City> {
  const row = await queryOne<{ id: number }>(db, 'insert into cities (province_id, name) select id, $1 from provinces order by id limit 1 returning id', [name]);
  return (await getCity(db, row!.id))!;
}

export async function renameCity(db: Queryable, id: number, name: string): Promise<City | undefined> {
  const row = await queryOne<{ id: number }>(db, 'update cities set name = $2, updated_at = now() where id = $1 returning id', [id, name]);
  return row && getCity(db, row.id);
}

export async function deleteCity(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('delete from cities where id = $1 returning id', [id])).length > 0;
}
