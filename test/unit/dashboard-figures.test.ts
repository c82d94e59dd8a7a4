// The dashboard's figures from /metrics samples as a tier really writes them: concurrency summed by
// lesson, city and school, bytes per second and P2P offload over a window, startup quantiles from
// the histogram's buckets (as Prometheus' histogram_quantile), fluency and stalls per viewer-hour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterTotals, dashboardNow, histogramQuantile, historyPoint, type CatalogLesson } from '../../services/stats/dashboard-figures.ts';
import { parsePromText } from '../../services/stats/prom-text.ts';
import { endingAtNow } from '../../services/stats/snapshot-window.ts';

const metricsAt = (bytesUp: number, bytesDown: number, http: number, p2p: number, playing: number, stalled: number, stalls: number, startups: number[]) => `
# HELP classcast_viewers Viewers watching now
# TYPE classcast_viewers gauge
classcast_viewers{lesson="algebra-1",city="1",school="2",tier="relay",node="city-1"} 3
classcast_viewers{lesson="physics-2",city="1",school="3",tier="relay",node="city-1"} 1
classcast_viewers{lesson="algebra-1",city="1",school="2",tier="ingest",node="province-1"} 1
classcast_relay_bytes_from_upstream_total{tier="relay",node="city-1"} ${bytesUp}
classcast_relay_bytes_to_viewers_total{tier="relay",node="city-1"} ${bytesDown}
classcast_relay_upstream_up{upstream="http://origin:8080",tier="relay",node="city-1"} 1
classcast_viewer_bytes_total{lesson="algebra-1",source="http",tier="relay",node="city-1"} ${http}
classcast_viewer_bytes_total{lesson="algebra-1",source="p2p",tier="relay",node="city-1"} ${p2p}
classcast_viewer_playing_seconds_total{lesson="algebra-1",tier="relay",node="city-1"} ${playing}
classcast_viewer_stalled_seconds_total{lesson="algebra-1",tier="relay",node="city-1"} ${stalled}
classcast_viewer_stalls_total{lesson="algebra-1",tier="relay",node="city-1"} ${stalls}
${[0.5, 1, 2, 4].map((le, index) => `classcast_viewer_startup_seconds_bucket{le="${le}",lesson="algebra-1",tier="relay",node="city-1"} ${startups[index]}`).join('\n')}
classcast_viewer_startup_seconds_bucket{le="+Inf",lesson="algebra-1",tier="relay",node="city-1"} ${startups[3]}
classcast_ingest_keyframe_interval_seconds{lesson="algebra-1",tier="ingest",node="province-1"} 2
classcast_transcoder_speed{lesson="algebra-1",tier="ingest",node="province-1"} 0.98
classcast_transcoder_dropped_frames_total{lesson="algebra-1",tier="ingest",node="province-1"} 12
`;

const lessons: CatalogLesson[] = [
  { id: 'algebra-1', title: 'Algebra', state: 'live', startsAt: 0, endsAt: null, classroomId: 'room-1', cityId: 1, cityName: 'Riverton', schoolId: 2, schoolName: 'North High', encoder: { connected: true, bitrateKbps: 2100, fps: 30, width: 1280, height: 720, updatedAt: 55_000, ingestNode: 'province-1' } },
];

test('histogramQuantile interpolates within the bucket like Prometheus', () => {
  const buckets = [{ le: 1, count: 2 }, { le: 2, count: 6 }, { le: 4, count: 10 }, { le: Number.POSITIVE_INFINITY, count: 10 }];
  assert.equal(histogramQuantile(0.5, buckets), 1.75);
  assert.equal(histogramQuantile(0.95, buckets), 3.75);
  assert.equal(histogramQuantile(0.1, buckets), 0.5);
  assert.equal(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: Number.POSITIVE_INFINITY, count: 0 }]), null);
  assert.equal(histogramQuantile(0.99, [{ le: 1, count: 1 }, { le: Number.POSITIVE_INFINITY, count: 2 }]), 1, 'past the last bound only the bound is known');
});

test('the figures of now from two scrapes 10 s apart', () => {
  const earlier = counterTotals(50_000, parsePromText(metricsAt(1_000_000, 3_000_000, 2_000_000, 0, 100, 0, 0, [0, 0, 0, 0])));
  const samples = parsePromText(metricsAt(1_250_000, 4_000_000, 2_600_000, 400_000, 136, 4, 2, [1, 2, 3, 4]));
  const counters = counterTotals(60_000, samples);
  const now = dashboardNow({ at: 60_000, samples, counters, windows: { short: earlier, long: earlier }, lessons, cityNames: new Map([[1, 'Riverton']]), schoolNames: new Map([[2, 'North High']]) });

  assert.equal(now.viewers?.total, 5);
  assert.deepEqual(now.viewers?.byLesson, [{ id: 'algebra-1', name: 'Algebra', viewers: 4 }, { id: 'physics-2', name: 'physics-2', viewers: 1 }]);
  assert.deepEqual(now.viewers?.byCity, [{ id: '1', name: 'Riverton', viewers: 5 }]);
  assert.deepEqual(now.viewers?.bySchool, [{ id: '2', name: 'North High', viewers: 4 }, { id: '3', name: '#3', viewers: 1 }]);

  // Province egress: what the relay fetched upstream (25 kB/s) plus the ingest-tier viewers' HTTP bytes (none reported).
  assert.equal(now.bandwidth?.provinceEgressBps, 25_000);
  assert.deepEqual(now.bandwidth?.relays, [{ node: 'city-1', upstreamBps: 25_000, downstreamBps: 100_000, upstreams: [{ url: 'http://origin:8080', up: true }] }]);
  assert.equal(now.bandwidth?.p2pOffload, 0.4);

  assert.equal(now.quality?.fluency, 0.9);
  assert.equal(now.quality?.stallsPerViewerHour, 2 / (40 / 3600));
  assert.equal(now.quality?.startupP50Seconds, 1);
  assert.ok(Math.abs(now.quality!.startupP95Seconds! - 3.6) < 1e-9, String(now.quality?.startupP95Seconds));

  assert.deepEqual(now.ingest.map((row) => [row.lessonId, row.connected, row.bitrateKbps, row.statusAgeSeconds]), [['algebra-1', true, 2100, 5]]);
  assert.deepEqual(now.ingest.map((row) => [row.keyframeIntervalSeconds, row.transcoderSpeed, row.droppedFrames]), [[2, 0.98, 12]], "the ingest's /metrics add the transcoding figures");
  const point = historyPoint(now);
  assert.equal(point.viewers, 5);
  assert.equal(point['viewers.lesson.algebra-1'], 4);
  assert.equal(point['relay.city-1.downstreamBps'], 100_000);
  assert.equal(point['ingest.algebra-1.kbps'], 2100);

  // The page's history ends at this same instant, so legends agree with tiles and tables: a lesson
  // nobody watches now reads 0, not the last figure it had; a point as new as `now` is replaced.
  const window = { times: [40_000, 50_000], series: { viewers: [4, 6], 'viewers.lesson.gone': [3, 2], 'ingest.gone.kbps': [1800, 1900] } };
  const ending = endingAtNow(window, now);
  assert.deepEqual(ending.times, [40_000, 50_000, 60_000]);
  assert.deepEqual(ending.series.viewers, [4, 6, 5]);
  assert.deepEqual(ending.series['viewers.lesson.gone'], [3, 2, 0]);
  assert.deepEqual(ending.series['viewers.lesson.algebra-1'], [null, null, 4]);
  assert.deepEqual(ending.series['ingest.gone.kbps'], [1800, 1900, null], 'not known now, not zero');
  assert.deepEqual(window.series.viewers, [4, 6], 'the history itself is left as it was');
  const replaced = endingAtNow({ times: [60_000], series: { viewers: [7] } }, now);
  assert.deepEqual([replaced.times, replaced.series.viewers], [[60_000], [5]]);
  assert.equal(endingAtNow(window, null), window);
});

test('without any tier read, only the catalog figures are there; without an earlier scrape, no rates', () => {
  const alone = dashboardNow({ at: 60_000, samples: undefined, counters: counterTotals(60_000, []), windows: { short: undefined, long: undefined }, lessons, cityNames: new Map(), schoolNames: new Map() });
  assert.equal(alone.viewers, null);
  assert.equal(alone.bandwidth, null);
  assert.equal(alone.ingest.length, 1);
  assert.deepEqual([alone.ingest[0]!.keyframeIntervalSeconds, alone.ingest[0]!.transcoderSpeed, alone.ingest[0]!.droppedFrames], [null, null, null]);
  const samples = parsePromText(metricsAt(1, 1, 1, 1, 1, 0, 0, [1, 1, 1, 1]));
  const first = dashboardNow({ at: 60_000, samples, counters: counterTotals(60_000, samples), windows: { short: undefined, long: undefined }, lessons, cityNames: new Map(), schoolNames: new Map() });
  assert.equal(first.bandwidth?.provinceEgressBps, null);
  assert.equal(first.quality?.fluency, null);
});

test('a counter that went back (a restarted tier) counts from zero', () => {
  const before = counterTotals(0, parsePromText(metricsAt(9_000_000, 0, 0, 0, 0, 0, 0, [0, 0, 0, 0])));
  const samples = parsePromText(metricsAt(100_000, 0, 0, 0, 0, 0, 0, [0, 0, 0, 0]));
  const now = dashboardNow({ at: 10_000, samples, counters: counterTotals(10_000, samples), windows: { short: before, long: before }, lessons: [], cityNames: new Map(), schoolNames: new Map() });
  assert.equal(now.bandwidth?.provinceEgressBps, 10_000);
});

test("an origin's own byte count is the province egress, not what the tiers below say they fetched", () => {
  const origin = (bytes: number) => `\nclasscast_origin_bytes_sent_total{space="live",tier="ingest",node="province-1"} ${bytes}\nclasscast_origin_bytes_sent_total{space="vod",tier="ingest",node="province-1"} 0\n`;
  const earlier = counterTotals(50_000, parsePromText(metricsAt(1_000_000, 3_000_000, 2_000_000, 0, 100, 0, 0, [0, 0, 0, 0]) + origin(5_000_000)));
  const samples = parsePromText(metricsAt(1_250_000, 4_000_000, 2_600_000, 400_000, 136, 4, 2, [1, 2, 3, 4]) + origin(5_400_000));
  const now = dashboardNow({ at: 60_000, samples, counters: counterTotals(60_000, samples), windows: { short: earlier, long: earlier }, lessons, cityNames: new Map(), schoolNames: new Map() });
  // 400 kB in 10 s from the origin's counter; the relay's upstream (25 kB/s) is still its own figure.
  assert.equal(now.bandwidth?.provinceEgressBps, 40_000);
  assert.equal(now.bandwidth?.relays[0]?.upstreamBps, 25_000);
});
