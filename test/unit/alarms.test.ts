// The alarms as pure evaluation: given the lessons, their encoders and norms, the relays and the
// disks at a moment, which alarms hold. Times are passed in; nothing runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAlarms, median, sheddingAlarmSeconds, type AlarmInput, type AlarmSettings } from '../../services/stats/alarms.ts';
import type { CatalogLesson, EncoderState } from '../../services/stats/dashboard-figures.ts';

const minute = 60_000;
const settings: AlarmSettings = { lateStartMinutes: 2, stallSeconds: 15, degradedPercent: 50 };
const t0 = Date.parse('2026-11-23T09:00:00Z');

const encoder = (fields: Partial<EncoderState> = {}): EncoderState => ({ connected: true, bitrateKbps: 2000, fps: 30, width: 1280, height: 720, updatedAt: t0, ingestNode: 'province-1', ...fields });

const lesson = (fields: Partial<CatalogLesson> = {}): CatalogLesson => ({
  id: 'algebra-1',
  title: 'Algebra',
  state: 'live',
  startsAt: t0,
  endsAt: t0 + 45 * minute,
  classroomId: 'room-1',
  cityId: 1,
  cityName: 'Riverton',
  schoolId: 2,
  schoolName: 'North High',
  encoder: encoder(),
  ...fields,
});

const input = (fields: Partial<AlarmInput>): AlarmInput => ({ at: t0, lessons: [], norms: new Map(), packagerLag: new Map(), relays: [], disks: [], ...fields });
const ids = (fields: Partial<AlarmInput>) => evaluateAlarms(input(fields), settings).map((alarm) => alarm.id);

test('a scheduled lesson with no encoder is late only between its start plus the grace and its end', () => {
  const scheduled = lesson({ state: 'scheduled', encoder: null });
  assert.deepEqual(ids({ at: t0 + 1 * minute, lessons: [scheduled] }), [], 'within the first two minutes');
  assert.deepEqual(ids({ at: t0 + 2 * minute - 1, lessons: [scheduled] }), []);
  const [alarm] = evaluateAlarms(input({ at: t0 + 5 * minute, lessons: [scheduled] }), settings);
  assert.equal(alarm?.id, 'no-encoder:algebra-1');
  assert.equal(alarm?.severity, 'critical');
  assert.equal(alarm?.subject, 'Algebra (North High)');
  assert.match(alarm!.message, /should be live since 5 min.*room-1/);
  assert.deepEqual(ids({ at: t0 + 45 * minute, lessons: [scheduled] }), [], 'over by its end');
  assert.deepEqual(ids({ at: t0 + 5 * minute, lessons: [lesson({ encoder: encoder({ updatedAt: t0 + 5 * minute }) })] }), [], 'live is fine');
  assert.deepEqual(ids({ at: t0 + 5 * minute, lessons: [lesson({ state: 'ended' })] }), [], 'ended is not late');
});

test('a live stream stalls when its encoder is gone, silent while connected, sending nothing, or its packager is stuck', () => {
  const at = t0 + 10 * minute;
  const fresh = encoder({ updatedAt: at - 5000 });
  assert.deepEqual(ids({ at, lessons: [lesson({ encoder: fresh })] }), []);
  const reasons = [
    [lesson({ encoder: null }), /not connected/],
    [lesson({ encoder: encoder({ connected: false, updatedAt: at }) }), /not connected/],
    [lesson({ encoder: encoder({ updatedAt: at - 16_000 }) }), /no data from the encoder for 16 s/],
    [lesson({ encoder: encoder({ updatedAt: at, bitrateKbps: 0 }) }), /sends nothing/],
  ] as const;
  for (const [stalled, message] of reasons) {
    const alarms = evaluateAlarms(input({ at, lessons: [stalled] }), settings);
    assert.deepEqual(alarms.map((alarm) => alarm.id), ['stream-stalled:algebra-1']);
    assert.match(alarms[0]!.message, message);
  }
  const stuck = evaluateAlarms(input({ at, lessons: [lesson({ encoder: fresh })], packagerLag: new Map([['algebra-1', 20]]) }), settings);
  assert.match(stuck[0]!.message, /no new segment for 20 s/);
  assert.deepEqual(ids({ at, lessons: [lesson({ encoder: fresh })], packagerLag: new Map([['algebra-1', 3]]) }), []);
});

test('a live stream is degraded under half its own median bitrate or fps, and not without a norm', () => {
  const at = t0 + 10 * minute;
  const norms = new Map([['algebra-1', { bitrateKbps: 2000, fps: 30 }]]);
  const withInput = (bitrateKbps: number, fps: number) => [lesson({ encoder: encoder({ updatedAt: at, bitrateKbps, fps }) })];
  assert.deepEqual(ids({ at, norms, lessons: withInput(1100, 30) }), []);
  const low = evaluateAlarms(input({ at, norms, lessons: withInput(900, 30) }), settings);
  assert.deepEqual(low.map((alarm) => [alarm.id, alarm.severity]), [['stream-degraded:algebra-1', 'warning']]);
  assert.match(low[0]!.message, /900 kbit\/s, under 50% of its usual 2000/);
  assert.match(evaluateAlarms(input({ at, norms, lessons: withInput(2000, 12) }), settings)[0]!.message, /12\.0 fps/);
  assert.deepEqual(ids({ at, lessons: withInput(100, 2) }), [], 'no norm yet');
  assert.deepEqual(ids({ at, norms: new Map([['algebra-1', { bitrateKbps: null, fps: null }]]), lessons: withInput(100, 2) }), []);
});

test('a relay with an upstream down: a warning while others serve, critical when none does', () => {
  const relay = (up: boolean[]) => [{ node: 'city-1', upstreams: up.map((state, index) => ({ url: `http://origin-${index}`, up: state })) }];
  assert.deepEqual(ids({ relays: relay([true, true]) }), []);
  const one = evaluateAlarms(input({ relays: relay([false, true]) }), settings);
  assert.deepEqual(one.map((alarm) => [alarm.id, alarm.severity]), [['relay-upstream-down:city-1', 'warning']]);
  assert.match(one[0]!.message, /origin-0 is down/);
  const all = evaluateAlarms(input({ relays: relay([false, false]) }), settings);
  assert.equal(all[0]!.severity, 'critical');
  assert.match(all[0]!.message, /every upstream is down/);
});

test('a disk: critical when the guard says so, a warning when free space nears its threshold', () => {
  const disk = (fields: object) => [{ node: 'province-1', state: { ok: true, freeBytes: 50e9, totalBytes: 100e9, minFreeBytes: 1e9, checkedAt: t0, ...fields } }];
  assert.deepEqual(ids({ disks: disk({}) }), []);
  const filling = evaluateAlarms(input({ disks: disk({ freeBytes: 1.5e9 }) }), settings);
  assert.deepEqual(filling.map((alarm) => [alarm.id, alarm.severity]), [['disk:province-1', 'warning']]);
  assert.match(filling[0]!.message, /filling up/);
  const full = evaluateAlarms(input({ disks: disk({ ok: false, alarm: 'full', reason: '0.5 GiB free', freeBytes: 0.5e9 }) }), settings);
  assert.equal(full[0]!.severity, 'critical');
  assert.match(full[0]!.message, /0\.5 GiB free: new publishes are refused/);
});

test('an ingest node shedding renditions for more than a minute is a warning; a shorter spell, a down node or none shed is no alarm', () => {
  const at = t0 + 10 * minute;
  const node = (fields: object) => ({ node: 'province-2', up: true, renditionsShed: 2, sheddingSince: at - 90_000, ...fields });
  const alarms = evaluateAlarms(input({ at, ingestNodes: [node({})] }), settings);
  assert.deepEqual(alarms.map((alarm) => [alarm.id, alarm.kind, alarm.severity, alarm.node, alarm.subject]), [['ingest-shedding:province-2', 'ingest-shedding', 'warning', 'province-2', 'ingest province-2']]);
  assert.match(alarms[0]!.message, /sheds 2 renditions for want of CPU since 1 min/);
  assert.match(evaluateAlarms(input({ at, ingestNodes: [node({ renditionsShed: 1, sheddingSince: at - 5 * minute })] }), settings)[0]!.message, /sheds 1 rendition for want of CPU since 5 min/);
  assert.equal(sheddingAlarmSeconds, 60);
  assert.deepEqual(ids({ at, ingestNodes: [node({ sheddingSince: at - 60_000 })] }), [], 'a minute exactly is not more than a minute');
  assert.deepEqual(ids({ at, ingestNodes: [node({ sheddingSince: at - 60_001 })] }), ['ingest-shedding:province-2']);
  assert.deepEqual(ids({ at, ingestNodes: [node({ sheddingSince: at - 20_000 })] }), [], 'a burst');
  assert.deepEqual(ids({ at, ingestNodes: [node({ renditionsShed: 0, sheddingSince: null })] }), [], 'nothing shed');
  assert.deepEqual(ids({ at, ingestNodes: [node({ up: false })] }), [], "a down node's report is stale");
  assert.deepEqual(ids({ at, ingestNodes: [node({ node: 'province-1', renditionsShed: 0, sheddingSince: null }), node({})] }), ['ingest-shedding:province-2'], 'only the node that sheds');
});

test('critical alarms come first', () => {
  const at = t0 + 10 * minute;
  const alarms = evaluateAlarms(
    input({ at, lessons: [lesson({ id: 'late', state: 'scheduled', encoder: null })], relays: [{ node: 'city-1', upstreams: [{ url: 'a', up: false }, { url: 'b', up: true }] }] }),
    settings,
  );
  assert.deepEqual(alarms.map((alarm) => alarm.severity), ['critical', 'warning']);
});

test('median: the middle value, or null with too few', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([1, 2]), null);
  assert.equal(median([1, 2], 1), 1.5);
});

test("a tier whose /metrics cannot be read is critical, named by its URL; a readable one is no alarm", () => {
  const tiers = [
    { tier: 'relay', url: 'http://relay-1:8081/metrics', ok: true },
    { tier: 'ingest', url: 'http://ingest-2:8080/metrics', ok: false, error: 'The operation was aborted due to timeout' },
  ];
  const alarms = evaluateAlarms(input({ tiers }), settings);
  assert.deepEqual(alarms.map((alarm) => [alarm.id, alarm.kind, alarm.severity]), [['tier-unreachable:http://ingest-2:8080/metrics', 'tier-unreachable', 'critical']]);
  assert.match(alarms[0]!.message, /aborted due to timeout/);
  assert.equal(alarms[0]!.subject, 'ingest http://ingest-2:8080/metrics');
});
