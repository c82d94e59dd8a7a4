// deploy/: the Prometheus scrape config and alert rules pass `promtool check` (Debian's prometheus
// package), and every Classcast metric the rules and the Grafana dashboard query is one the roles
// really serve: a real ingest and a real relay are started in process and their /metrics read (with
// the catalog's /metrics/alarms), so a renamed metric fails here rather than on a blank panel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { alarmMetrics } from '../../services/stats/alarm-metrics.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';

const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));
const promtool = process.env.PROMTOOL_PATH ?? 'promtool';

type Panel = { type: string; title: string; gridPos?: { h: number; w: number; x: number; y: number }; targets?: Array<{ refId: string; expr: string }> };

/** Metric names a /metrics text declares (# TYPE lines), with a histogram's _bucket, _sum and _count. */
function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

const classcastNames = (expr: string) => [...expr.matchAll(/\bclasscast_[a-z0-9_]+/g)].map((match) => match[0]);

function runPromtool(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(promtool, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${promtool} could not run (${result.error.message}): install Debian's prometheus package`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('promtool accepts the scrape config and the alert rules', () => {
  const config = runPromtool(['check', 'config', `${deployDir}prometheus/prometheus.yml`]);
  assert.equal(config.status, 0, config.output);
  const rules = runPromtool(['check', 'rules', `${deployDir}prometheus/alerts.yml`]);
  assert.equal(rules.status, 0, rules.output);
  assert.match(rules.output, /SUCCESS: \d+ rules found/);
  // The check can fail: a rule with a broken expression is refused.
  const broken = spawnSync(promtool, ['check', 'rules', '/dev/stdin'], { input: 'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(\n', encoding: 'utf8' });
  assert.notEqual(broken.status, 0, 'a broken expression is refused');
  assert.match(broken.stdout + broken.stderr, /FAILED|error/i);
});

test('the scrape config covers every role with its labels', () => {
  const config = parseYaml(readFileSync(`${deployDir}prometheus/prometheus.yml`, 'utf8')) as { scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ labels: Record<string, string> }> }> };
  const roles = new Set(config.scrape_configs.flatMap((job) => job.static_configs.map((target) => target.labels.role)));
  for (const role of ['ingest', 'relay', 'catalog']) assert.ok(roles.has(role), `a job scrapes the ${role} role`);
  assert.ok(config.scrape_configs.some((job) => job.metrics_path === '/metrics/alarms'), "the catalog's alarms are scraped");
});

describe('metric names in the rules and the Grafana dashboard exist in live /metrics', () => {
  let ingest: TestIngest;
  let relay: TestRelay;
  let served: Set<string>;

  before(async () => {
    ingest = await startTestIngest();
    relay = await startTestRelay([ingest.baseUrl]);
    const texts = await Promise.all([ingest.baseUrl, relay.baseUrl].map(async (base) => (await fetch(`${base}/metrics`)).text()));
    texts.push(await alarmMetrics('catalog-1', () => []).metrics());
    served = new Set(texts.flatMap((text) => [...declaredNames(text)]));
  });
  after(async () => {
    await relay?.stop();
    await ingest?.stop();
  });

  test('the roles serve the metrics the dashboard needs', () => {
    const needed = ['classcast_viewers', 'classcast_relay_bytes_from_upstream_total', 'classcast_viewer_startup_seconds_bucket', 'classcast_ingest_input_bitrate_kbps', 'classcast_alarms_active'];
    needed.push('classcast_ingest_keyframe_interval_seconds', 'classcast_transcoder_speed', 'classcast_transcoder_dropped_frames_total', 'classcast_transcoder_duplicated_frames_total');
    for (const name of needed) assert.ok(served.has(name), name);
    assert.equal(served.has('classcast_made_up_metric'), false);
  });

  test('alerts.yml', () => {
    const rules = parseYaml(readFileSync(`${deployDir}prometheus/alerts.yml`, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const all = rules.groups.flatMap((group) => group.rules);
    for (const rule of all) for (const name of classcastNames(rule.expr)) assert.ok(served.has(name), `${rule.alert}: ${name} is not served by any role`);
    const alerts = new Set(all.map((rule) => rule.alert));
    for (const alarm of ['ClasscastLessonWithoutEncoder', 'ClasscastStreamStalled', 'ClasscastStreamDegraded', 'ClasscastRelayUpstreamDown', 'ClasscastIngestDiskFull']) assert.ok(alerts.has(alarm), alarm);
  });

  test('the Grafana dashboard parses, has panels with queries, and queries only served metrics', () => {
    const dashboard = JSON.parse(readFileSync(`${deployDir}grafana/classcast-dashboard.json`, 'utf8')) as { title: string; uid: string; schemaVersion: number; panels: Panel[] };
    assert.equal(typeof dashboard.title, 'string');
    assert.match(dashboard.uid, /^[a-z0-9-]{1,40}$/);
    assert.ok(dashboard.schemaVersion > 30);
    const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    assert.ok(panels.length >= 12, `${panels.length} panels`);
    const ids = new Set<string>();
    for (const panel of panels) {
      assert.ok(panel.gridPos && panel.gridPos.w > 0 && panel.gridPos.x + panel.gridPos.w <= 24, `${panel.title}: gridPos within 24 columns`);
      assert.ok(panel.targets && panel.targets.length > 0, `${panel.title} has queries`);
      for (const target of panel.targets) {
        assert.ok(target.expr.trim().length > 0, `${panel.title}/${target.refId}`);
        const names = classcastNames(target.expr);
        assert.ok(names.length > 0, `${panel.title}: ${target.expr} queries a Classcast metric`);
        for (const name of names) assert.ok(served.has(name), `${panel.title}: ${name} is not served by any role`);
        ids.add(target.expr);
      }
    }
    for (const figure of ['Viewers by lesson', 'Viewers by city', 'Viewers by school', 'Bandwidth per tier', 'P2P offload (P2P bytes / all bytes)', 'Startup time', 'Input bitrate by lesson', 'Transcoder speed', 'Encoder keyframe interval']) {
      assert.ok(panels.some((panel) => panel.title === figure), `a panel "${figure}"`);
    }
  });
});
