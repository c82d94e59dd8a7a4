// Cities and schools through the real API on both databases: CRUD, who may change them, validation
// messages naming the field, unknown and malformed ids, duplicates, pagination, and text that looks
// like SQL stored verbatim.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

for (const database of await catalogDatabaseUrls()) {
  describe(`cities and schools on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    test('an operator creates, reads, renames and deletes a city', async () => {
      const created = await f.catalog.api('post', '/cities', { token: f.operator, body: { name: '  Tabriz  ' } });
      assert.equal(created.status, 201);
      assert.equal(created.body.name, 'Tabriz', 'names are trimmed');
      assert.equal(created.body.schoolCount, 0);
      assert.equal(typeof created.body.provinceId, 'number');
      const id = created.body.id;
      assert.deepEqual((await f.catalog.api('get', `/cities/${id}`)).body, created.body);
      const renamed = await f.catalog.api('patch', `/cities/${id}`, { token: f.operator, body: { name: 'Maragheh' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Maragheh');
      assert.equal((await f.catalog.api('delete', `/cities/${id}`, { token: f.operator })).status, 200);
      assert.equal((await f.catalog.api('get', `/cities/${id}`)).status, 404);
    });

    test('cities: anonymous callers get 401 on writes, other roles 403', async () => {
      const school = await f.school();
      assert.equal((await f.catalog.api('post', '/cities', { body: { name: f.unique('City') } })).status, 401);
      for (const token of Object.values(school.tokens)) {
        const answer = await f.catalog.api('post', '/cities', { token, body: { name: f.unique('City') } });
        assert.equal(answer.status, 403);
        assert.equal((await f.catalog.api('delete', `/cities/${school.cityId}`, { token })).status, 403);
      }
    });

    test('validation errors are 400 and name the field; unknown fields are refused', async () => {
      const empty = await f.catalog.api('post', '/cities', { token: f.operator, body: { name: '   ' } });
      assert.equal(empty.status, 400);
      assert.match(empty.body.error.message, /^name: /);
      const long = await f.catalog.api('post', '/cities', { token: f.operator, body: { name: 'x'.repeat(121) } });
      assert.equal(long.status, 400);
      assert.match(long.body.error.message, /^name: /);
      const extra = await f.catalog.api('post', '/cities', { token: f.operator, body: { name: 'Ok', provinceId: 2 } });
      assert.equal(extra.status, 400);
      assert.match(extra.body.error.message, /provinceId/);
      const badCity = await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId: 'one', name: 'School' } });
      assert.equal(badCity.status, 400);
      assert.match(badCity.body.error.message, /^cityId: /);
      const noCity = await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId: 999999, name: 'School' } });
      assert.equal(noCity.status, 400);
      assert.match(noCity.body.error.message, /^cityId: no city/);
    });

    test('unknown and malformed ids are 404, never 500', async () => {
      for (const path of ['/cities/999999', '/cities/abc', '/cities/1.5', '/cities/-1', '/cities/0', '/cities/99999999999999', '/schools/999999', '/schools/x%27']) {
        const answer = await f.catalog.api('get', path);
        assert.equal(answer.status, 404, path);
        assert.equal(answer.body.error.status, 404);
      }
      assert.equal((await f.catalog.api('patch', '/cities/abc', { token: f.operator, body: { name: 'X' } })).status, 404);
    });

    test('duplicate names are 409; a city with schools cannot be deleted', async () => {
      const city = await f.city();
      const again = await f.catalog.api('post', '/cities', { token: f.operator, body: { name: city.name } });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.message, 'a city with this name already exists');
      const school = await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId: city.id, name: 'Same' } });
      assert.equal(school.status, 201);
      const sameSchool = await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId: city.id, name: 'Same' } });
      assert.equal(sameSchool.status, 409);
      assert.equal(sameSchool.body.error.message, 'this city already has a school with this name');
      const refused = await f.catalog.api('delete', `/cities/${city.id}`, { token: f.operator });
      assert.equal(refused.status, 409);
      assert.match(refused.body.error.message, /school/);
      assert.equal((await f.catalog.api('get', `/cities/${city.id}`)).body.schoolCount, 1);
    });

    test('SQL-looking names are stored and returned verbatim', async () => {
      const name = "Robert'); drop table cities;--";
      const created = await f.catalog.api('post', '/cities', { token: f.operator, body: { name } });
      assert.equal(created.status, 201);
      assert.equal((await f.catalog.api('get', `/cities/${created.body.id}`)).body.name, name);
      const school = await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId: created.body.id, name: '%_\\ 100% "school"' } });
      assert.equal(school.body.name, '%_\\ 100% "school"');
      assert.equal((await f.catalog.api('get', '/cities?limit=1')).status, 200, 'the cities table is still there');
    });

    test('schools: list by city, a school admin renames only their own school and cannot move it', async () => {
      const mine = await f.school();
      const other = await f.school();
      const listed = await f.catalog.api('get', `/schools?cityId=${mine.cityId}`);
      assert.deepEqual(
        listed.body.items.map((school: { id: number }) => school.id),
        [mine.id],
      );
      assert.equal(listed.body.items[0].cityName.startsWith('City-'), true);
      assert.equal(listed.body.items[0].classroomCount, 0);
      const admin = mine.tokens.school_admin;
      const renamed = await f.catalog.api('patch', `/schools/${mine.id}`, { token: admin, body: { name: 'Renamed by its admin' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Renamed by its admin');
      assert.equal((await f.catalog.api('patch', `/schools/${other.id}`, { token: admin, body: { name: 'Hijacked' } })).status, 403);
      assert.equal((await f.catalog.api('patch', `/schools/${mine.id}`, { token: admin, body: { cityId: other.cityId } })).status, 403);
      assert.equal((await f.catalog.api('patch', `/schools/${mine.id}`, { token: mine.tokens.teacher, body: { name: 'Nope' } })).status, 403);
      assert.equal((await f.catalog.api('delete', `/schools/${mine.id}`, { token: admin })).status, 403);
      const moved = await f.catalog.api('patch', `/schools/${mine.id}`, { token: f.operator, body: { cityId: other.cityId } });
      assert.equal(moved.status, 200);
      assert.equal(moved.body.cityId, other.cityId);
    });

    test('a school with accounts or classrooms cannot be deleted; an empty one can', async () => {
      const school = await f.school();
      const refused = await f.catalog.api('delete', `/schools/${school.id}`, { token: f.operator });
      assert.equal(refused.status, 409);
      const city = await f.city();
      const empty = await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId: city.id, name: 'Empty' } });
      assert.equal((await f.catalog.api('delete', `/schools/${empty.body.id}`, { token: f.operator })).status, 200);
      assert.equal((await f.catalog.api('get', `/schools/${empty.body.id}`)).status, 404);
    });

    test('pagination: limit, offset and total', async () => {
      const city = await f.city();
      for (const name of ['A', 'B', 'C', 'D', 'E']) await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId: city.id, name } });
      const first = await f.catalog.api('get', `/schools?cityId=${city.id}&limit=2`);
      assert.deepEqual({ ...first.body, items: first.body.items.map((school: { name: string }) => school.name) }, { items: ['A', 'B'], total: 5, limit: 2, offset: 0 });
      const last = await f.catalog.api('get', `/schools?cityId=${city.id}&limit=2&offset=4`);
      assert.deepEqual(last.body.items.map((school: { name: string }) => school.name), ['E']);
      assert.equal(last.body.total, 5);
      const beyond = await f.catalog.api('get', `/schools?cityId=${city.id}&offset=50`);
      assert.deepEqual([beyond.body.items.length, beyond.body.total, beyond.body.limit], [0, 5, 50]);
      for (const bad of ['limit=0', 'limit=201', 'limit=abc', 'offset=-1', 'limit=1.5']) {
        const answer = await f.catalog.api('get', `/schools?${bad}`);
        assert.equal(answer.status, 400, bad);
        assert.match(answer.body.error.message, /^(limit|offset): /);
      }
    });
  });
}
