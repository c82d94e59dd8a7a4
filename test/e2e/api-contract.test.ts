// What holds for every route of the catalog API, generated from the route table itself: each
// non-public route refuses a caller without a token, the OpenAPI document lists every route, and
// bodies must be well-formed JSON sent as JSON.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogRoutes } from '../../services/catalog/api/catalog-api.ts';
import { openApiPath } from '../../services/catalog/api/openapi.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';

/** A concrete path for a route: every `:param` filled with something that looks like an id. */
const concrete = (path: string) => path.replace(/:[A-Za-z0-9_]+/g, '1');

describe('the catalog API contract', () => {
  let catalog: TestCatalog;
  before(async () => {
    catalog = await startTestCatalog();
  });
  after(() => catalog.close());

  test('every non-public route answers 401 without a token', async () => {
    const guarded = catalogRoutes().filter((spec) => spec.access !== 'public');
    assert.ok(guarded.length >= 20, `expected the resource routes to be guarded, found ${guarded.length}`);
    for (const spec of guarded) {
      const answer = await catalog.api(spec.method, concrete(spec.path), spec.body ? { body: {} } : {});
      assert.equal(answer.status, 401, `${spec.method.toUpperCase()} ${spec.path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.status, 401);
    }
  });

  test('every route has a summary and a tag, and no two routes share a method and path', () => {
    const seen = new Set<string>();
    for (const spec of catalogRoutes()) {
      const key = `${spec.method} ${spec.path}`;
      assert.equal(seen.has(key), false, `${key} is declared twice`);
      seen.add(key);
      assert.ok(spec.summary.length > 0 && spec.tag.length > 0, key);
    }
  });

  test('openapi.json is OpenAPI 3.1 listing every route with its security, parameters and bodies', async () => {
    const answer = await catalog.api('get', '/openapi.json');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type')!, /^application\/json/);
    const document = answer.body;
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), ['bearer', 'cookie']);
    for (const spec of catalogRoutes()) {
      const operation = document.paths[openApiPath(spec.path)]?.[spec.method];
      assert.ok(operation, `${spec.method} ${spec.path} is missing from openapi.json`);
      assert.equal(operation.summary, spec.summary);
      assert.deepEqual(operation.tags, [spec.tag]);
      assert.deepEqual(operation.security, spec.access === 'public' ? [] : [{ bearer: [] }, { cookie: [] }]);
      for (const name of [...spec.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1])) {
        assert.ok(operation.parameters.some((parameter: { in: string; name: string }) => parameter.in === 'path' && parameter.name === name), `${spec.path}: path parameter ${name}`);
      }
      if (spec.body) assert.ok(operation.requestBody.content['application/json'].schema, `${spec.path}: request body`);
      if (spec.access !== 'public') assert.equal(operation.responses['401'].content['application/json'].schema.$ref, '#/components/schemas/Error');
    }
    const timetable = document.paths['/api/v1/timetable'].get;
    assert.ok(['range', 'cityId', 'q', 'limit', 'offset'].every((name) => timetable.parameters.some((parameter: { name: string }) => parameter.name === name)));
    assert.ok(document.paths['/api/v1/courses/{id}/files'].post.requestBody.content['*/*'], 'the upload takes raw bytes');
    const createCity = document.paths['/api/v1/cities'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(createCity.required, ['name']);
    assert.equal(createCity.additionalProperties, false);
  });

  test('bodies: malformed JSON is 400, a body that is not JSON is 415', async () => {
    const { token } = await catalog.signIn('operator');
    const malformed = await catalog.api('post', '/cities', { token, rawBody: '{"name": "Tabriz"' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error.message, /malformed JSON/);
    const form = await catalog.api('post', '/cities', { token, rawBody: 'name=Tabriz', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
    const text = await catalog.api('patch', '/cities/1', { token, rawBody: '{"name":"X"}', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
    const array = await catalog.api('post', '/cities', { token, body: ['Tabriz'] });
    assert.equal(array.status, 400);
  });
});
