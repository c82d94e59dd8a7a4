// Each configuration default has one home, the key's own `.default()` in schema.ts: a section left
// out gets exactly what a section given as {} gets, so no second copy of its defaults can drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../services/core/config/schema.ts';

test('a section left out has the same defaults as a section given empty', () => {
  const omitted = configSchema.parse({}) as Record<string, unknown>;
  const sections = Object.keys(configSchema.shape).filter((key) => typeof omitted[key] === 'object' && omitted[key] !== null && !Array.isArray(omitted[key]));
  assert.ok(sections.length >= 15, `sections found: ${sections.join(', ')}`);
  for (const key of sections) {
    const empty = configSchema.parse({ [key]: {} }) as Record<string, unknown>;
    assert.deepEqual(empty[key], omitted[key], key);
  }
});

test('the MP4 download limits keep their defaults one by one', () => {
  const catalog = configSchema.parse({ catalog: { mp4Downloads: { perNode: { burst: 2, perSecond: 1 } } } }).catalog;
  assert.deepEqual(catalog.mp4Downloads, { perViewer: { burst: 5, perSecond: 0.05 }, perNode: { burst: 2, perSecond: 1 } });
});
