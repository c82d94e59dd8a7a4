// Metric names have one home, services/stats/metric-names.ts: every Classcast name the alert rules
// (deploy/prometheus/*.yml) and the Grafana dashboard (deploy/grafana/*.json) query is one of its
// constants (or a histogram's series of one), and no file under services/ or player/src spells a
// metric name as a string of its own. Pure reading of files; that the roles really serve these
// names is test/unit/deploy-files.test.ts's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { histogramSeries, metricNames, metricPrefix, type MetricName } from '../../services/stats/metric-names.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const constants = new Set<string>(Object.values(metricNames));
const known = new Set<string>([...constants, ...Object.values(metricNames).flatMap((name: MetricName) => [...histogramSeries(name)])]);
/** Names under the prefix that are not metrics: cookies. */
const notMetrics = new Set(['classcast_session', 'classcast_locale']);

const namesIn = (expr: string) => [...expr.matchAll(/\bclasscast_[a-z0-9_]+/g)].map((match) => match[0]);
const unknownIn = (exprs: readonly string[]) => [...new Set(exprs.flatMap(namesIn))].filter((name) => !known.has(name));

/** Every `expr` string anywhere in a parsed document (alert rules, Grafana panel targets). */
function exprsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(exprsOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === 'expr' && typeof inner === 'string' ? [inner] : exprsOf(inner)));
}

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(ending))
    .map((entry) => join(entry.parentPath, entry.name));
}

test('the constants are unique, prefixed, and cannot be confused with a made-up name', () => {
  assert.equal(constants.size, Object.keys(metricNames).length, 'two keys with one name');
  for (const name of constants) assert.ok(name.startsWith(metricPrefix) && /^[a-z0-9_]+$/.test(name), name);
  assert.deepEqual(unknownIn(['sum(rate(classcast_made_up_metric[5m]))', 'classcast_viewers > 0']), ['classcast_made_up_metric']);
  assert.deepEqual(unknownIn(['histogram_quantile(0.5, classcast_viewer_startup_seconds_bucket)']), []);
});

test('every name the Prometheus alert rules query is a constant', () => {
  const files = filesUnder(join(root, 'deploy/prometheus'), '.yml');
  const exprs = files.flatMap((file) => exprsOf(parseYaml(readFileSync(file, 'utf8'))));
  assert.ok(exprs.flatMap(namesIn).length >= 5, `alert rules with Classcast names found: ${exprs.length}`);
  assert.deepEqual(unknownIn(exprs), []);
});

test("every name the Grafana dashboard's queries use is a constant", () => {
  const files = filesUnder(join(root, 'deploy/grafana'), '.json');
  const exprs = files.flatMap((file) => exprsOf(JSON.parse(readFileSync(file, 'utf8'))));
  assert.ok(exprs.flatMap(namesIn).length >= 10, `panel queries with Classcast names found: ${exprs.length}`);
  assert.deepEqual(unknownIn(exprs), []);
});

test('no source file spells a metric name of its own', () => {
  const own = join(root, 'services/stats/metric-names.ts');
  const sources = [...filesUnder(join(root, 'services'), '.ts'), ...filesUnder(join(root, 'player/src'), '.ts')].filter((file) => file !== own);
  const spelled = sources.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/['"](classcast_[a-z0-9_]*)['"]/g)].filter((match) => !notMetrics.has(match[1]!)).map((match) => `${relative(root, file)}: ${match[1]}`),
  );
  assert.deepEqual(spelled, []);
});
