// Metrics end to end: a real encoder pushes to a real ingest, a viewer fetches the lesson through a
// real relay and reports how it plays (the watch page's reports, posted here with fetch), and the
// /metrics of ingest and relay show it with plausible figures. Also: bad reports are refused with
// 400 naming the field, a flood from one viewer is limited, made-up lessons never become series,
// and a finished viewing session is stored with the lesson's city and school.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { resolveConfig } from '../../services/core/config/load.ts';
import { playbackSettingsFrom } from '../../services/core/config/playback-settings.ts';
import { signViewerSession } from '../../services/core/viewer-session.ts';
import { fetchBytes, fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../scripts/demo/demo-encoder.ts';

const key = 'room301-metrics-key';
/** pushTestPattern's video bitrate plus the demo encoder's 128 kbit/s of audio. */
const encoderKbps = 2000 + 128;

type Sample = { name: string; labels: Record<string, string>; value: number };

async function scrape(baseUrl: string): Promise<{ samples: Sample[]; text: string; headers: Headers }> {
  const response = await fetch(`${baseUrl}/metrics`);
  assert.equal(response.status, 200);
  const text = await response.text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1]!, pair[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { samples, text, headers: response.headers };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([label, wanted]) => sample.labels[label] === wanted))?.value;
}

/**
 * A report as a watch page sends it: `viewer` names the page (any text), made into its 32-hex viewer
 * id and signed as the page's viewer session with the tiers' secret (this process's own).
 */
const report = ({ viewerId: viewer = 'viewer-metrics-1', ...fields }: Record<string, unknown>) => ({
  ...signedViewer(String(viewer)),
  lessonId: '',
  cityId: null,
  schoolId: null,
  event: 'periodic',
  startupMs: 1400,
  playingSeconds: 9.5,
  stalledSeconds: 0.5,
  stallCount: 1,
  currentRendition: '720p',
  bitrateKbps: 2128,
  httpBytes: 2_000_000,
  p2pBytesDown: 500_000,
  p2pBytesUp: 100_000,
  errors: 0,
  ...fields,
});

function signedViewer(name: string): { viewerId: string; session: string } {
  const viewerId = createHash('sha256').update(name).digest('hex').slice(0, 32);
  const secrets = playbackSettingsFrom(resolveConfig([])).secrets;
  return { viewerId, session: signViewerSession(secrets, viewerId, Math.floor(Date.now() / 1000) + 3600) };
}

const post = (baseUrl: string, body: unknown, contentType = 'application/json') =>
  fetch(`${baseUrl}/api/v1/qoe`, { method: 'POST', headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('metrics on ingest and relay after a real push and a real viewer', () => {
  let ingest: TestIngest;
  let relay: TestRelay;
  let encoder: DemoEncoder;
  let lessonId: string;
  let place: { cityId: number; schoolId: number };

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-301', key }] });
    // The classroom belongs to a school in a city, so its lesson has a place.
    const [province] = await ingest.db.query<{ id: number }>(`insert into provinces (name) values ('Metrics province') returning id`);
    const [city] = await ingest.db.query<{ id: number }>(`insert into cities (province_id, name) values ($1, 'Metrics city') returning id`, [province!.id]);
    const [school] = await ingest.db.query<{ id: number }>(`insert into schools (city_id, name) values ($1, 'Metrics school') returning id`, [city!.id]);
    await ingest.db.query(`update classrooms set school_id = $1 where id = 'room-301'`, [school!.id]);
    place = { cityId: city!.id, schoolId: school!.id };
    relay = await startTestRelay([ingest.baseUrl]);
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 1280, height: 720, fps: 30, audio: true });
    lessonId = await waitFor('the lesson to be live', async () => {
      const { lessons } = (await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string }> };
      return lessons[0]?.id;
    }, 20_000);
  });

  after(async () => {
    await encoder?.stop();
    await relay?.stop();
    await ingest?.stop();
  });

  it('a viewer fetches the lesson through the relay and its reports count it as one viewer', async () => {
    const playlist = await waitFor('three segments through the relay', async () => {
      await fetchPlaylist(`${relay.baseUrl}/live/${lessonId}/master.m3u8`);
      const media = await fetchPlaylist(`${relay.baseUrl}/live/${lessonId}/720p/index.m3u8`);
      return media.segments.length >= 3 ? media : undefined;
    }, 30_000);
    let fetched = 0;
    for (const segment of playlist.segments.slice(-2)) {
      fetched += (await fetchBytes(`${relay.baseUrl}/live/${lessonId}/720p/${segment.map!.uri}`)).length;
      fetched += (await fetchBytes(`${relay.baseUrl}/live/${lessonId}/720p/${segment.uri}`)).length;
    }
    assert.equal((await post(relay.baseUrl, report({ lessonId, ...place }))).status, 204);

    const { samples, headers } = await scrape(relay.baseUrl);
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.match(headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(value(samples, 'classcast_viewers', { lesson: lessonId, city: String(place.cityId), school: String(place.schoolId), tier: 'relay', node: 'test-relay' }), 1);
    assert.ok(value(samples, 'classcast_relay_bytes_to_viewers_total')! >= fetched, 'bytes to viewers cover what the viewer fetched');
    assert.ok(value(samples, 'classcast_relay_bytes_from_upstream_total')! > 0);
    assert.ok(value(samples, 'classcast_relay_requests_total')! >= 6);
    assert.ok(value(samples, 'classcast_relay_cache_misses_total')! > 0);
    assert.equal(value(samples, 'classcast_relay_upstream_up', { upstream: ingest.baseUrl }), 1);
    assert.ok(value(samples, 'classcast_relay_cache_bytes', { store: 'memory' })! > 0);
    assert.equal(value(samples, 'classcast_viewer_startup_seconds_count', { lesson: lessonId }), 1);
    assert.equal(value(samples, 'classcast_viewer_fluency', { lesson: lessonId }), 0.95);
    assert.equal(value(samples, 'classcast_viewer_bytes_total', { lesson: lessonId, source: 'p2p' }), 500_000);
    assert.equal(value(samples, 'classcast_viewer_stalls_total', { lesson: lessonId }), 1);
    assert.ok(value(samples, 'process_resident_memory_bytes', { tier: 'relay' })! > 0, 'process metrics are there');
    assert.notEqual(value(samples, 'classcast_tracker_peers'), undefined);
    // No label anywhere carries the viewer id.
    assert.ok(samples.every((sample) => !Object.values(sample.labels).includes('viewer-metrics-1')));
  });

  it("the ingest's /metrics show the encoder's input, the transcoder, the packager and no reconnects", async () => {
    // The encoder is sampled every 5 s (in memory, as the catalog's encoder status); wait for a
    // sample taken wholly while the encoder sends.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    // Read before the origin's count, which then covers at least these bytes.
    const relayFetched = value((await scrape(relay.baseUrl)).samples, 'classcast_relay_bytes_from_upstream_total')!;
    const { samples, headers } = await scrape(ingest.baseUrl);
    assert.equal(headers.get('cache-control'), 'no-store');
    const lesson = { lesson: lessonId, tier: 'ingest' };
    const bitrate = value(samples, 'classcast_ingest_input_bitrate_kbps', lesson);
    assert.ok(bitrate !== undefined && Math.abs(bitrate - encoderKbps) <= encoderKbps * 0.2, `input bitrate ${bitrate} kbit/s is within 20% of ${encoderKbps}`);
    const fps = value(samples, 'classcast_ingest_input_fps', lesson);
    assert.ok(fps !== undefined && Math.abs(fps - 30) <= 3, `input fps ${fps}`);
    // The test encoder sends a keyframe every 2 s (demo-encoder.ts: a GOP of twice its fps).
    const keyframeInterval = value(samples, 'classcast_ingest_keyframe_interval_seconds', lesson);
    assert.ok(keyframeInterval !== undefined && Math.abs(keyframeInterval - 2) <= 0.1, `keyframe interval ${keyframeInterval} s`);
    // A live push cannot be transcoded much faster than it arrives (only the first group of
    // pictures comes at once); how close to 1 it stays is the machine's CPU headroom, which a
    // shared test machine does not promise (about 1.0 on an idle one, 0.4 seen under load).
    const speed = value(samples, 'classcast_transcoder_speed', lesson);
    assert.ok(speed !== undefined && speed > 0 && speed < 1.5, `transcoder speed ${speed}`);
    for (const name of ['classcast_transcoder_dropped_frames_total', 'classcast_transcoder_duplicated_frames_total']) {
      const frames = value(samples, name, lesson);
      assert.ok(frames !== undefined && Number.isInteger(frames) && frames >= 0, `${name} ${frames}`);
    }
    assert.equal(value(samples, 'classcast_ingest_input_width', lesson), 1280);
    assert.equal(value(samples, 'classcast_ingest_input_height', lesson), 720);
    assert.equal(value(samples, 'classcast_ingest_reconnects_total', lesson), 0);
    // The origin counts what it sent on the wire, so it covers every body byte the relay fetched from it.
    const originSent = value(samples, 'classcast_origin_bytes_sent_total', { space: 'live', tier: 'ingest' });
    assert.ok(originSent !== undefined && relayFetched > 0 && originSent >= relayFetched, `the origin sent ${originSent} bytes; the relay fetched ${relayFetched}`);
    // Hostile-input refusals are counted per reason (rtmp-refusals.ts); this lesson's encoder caused none.
    assert.equal(value(samples, 'classcast_rtmp_refusals_total', { reason: 'message-too-large', tier: 'ingest' }), 0);
    assert.equal(value(samples, 'classcast_rtmp_refusals_total', { reason: 'malformed', tier: 'ingest' }), 0);
    assert.equal(value(samples, 'classcast_ingest_live_lessons', { state: 'live' }), 1);
    for (const rendition of ['720p', '480p', '360p']) assert.ok(value(samples, 'classcast_packager_segments_total', { ...lesson, rendition })! >= 3, rendition);
    const lag = value(samples, 'classcast_packager_lag_seconds', lesson);
    assert.ok(lag !== undefined && lag >= 0 && lag < 10, `packager lag ${lag} s`);
    assert.ok(value(samples, 'classcast_packager_segment_duration_seconds_bucket', { rendition: '720p', le: '2.5' })! >= 3);
    assert.equal(value(samples, 'classcast_packager_segment_duration_seconds_bucket', { rendition: '720p', le: '1' }), 0, '2 s segments are not under 1 s');
  });

  it('refuses malformed reports with 400 naming what is wrong, and oversized ones with 413', async () => {
    const cases: Array<[string | Record<string, unknown>, RegExp]> = [
      [report({ lessonId, stalledSeconds: -3 }), /stalledSeconds/],
      [report({ lessonId, httpBytes: 'lots' }), /httpBytes/],
      [report({ lessonId, viewer: 'extra' }), /unknown field viewer/],
      ['{"viewerId": ', /not JSON/],
    ];
    for (const [body, message] of cases) {
      const response = await post(relay.baseUrl, body);
      const answer = (await response.json()) as { error: { message: string } };
      assert.equal(response.status, 400, answer.error.message);
      assert.match(answer.error.message, message);
    }
    const oversized = await post(relay.baseUrl, report({ lessonId, padding: 'x'.repeat(5000) }));
    assert.equal(oversized.status, 413);
    assert.match(((await oversized.json()) as { error: { message: string } }).error.message, /larger than 4096 bytes/);
  });

  it("limits a flood from one viewer with 429", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++) statuses.push((await post(relay.baseUrl, report({ lessonId, viewerId: 'viewer-flood-1' }))).status);
    assert.equal(statuses[0], 204);
    assert.ok(statuses.includes(429), `statuses ${statuses.join(',')}`);
    const { samples } = await scrape(relay.baseUrl);
    assert.ok(value(samples, 'classcast_qoe_reports_total', { outcome: 'limited' })! >= 1);
  });

  it('refuses reports for lessons the node does not carry, so random ids make no series', async () => {
    const made = Array.from({ length: 40 }, (_, index) => `made-up-${index}-${Math.random().toString(36).slice(2, 10)}`);
    for (const fake of made) {
      const response = await post(relay.baseUrl, report({ lessonId: fake, viewerId: `viewer-fake-${fake}` }));
      assert.equal(response.status, 404);
    }
    const { samples, text } = await scrape(relay.baseUrl);
    for (const fake of made) assert.ok(!text.includes(fake), `${fake} is in /metrics`);
    const lessons = new Set(samples.map((sample) => sample.labels.lesson).filter(Boolean));
    assert.deepEqual([...lessons], [lessonId]);
    assert.equal(value(samples, 'classcast_qoe_reports_total', { outcome: 'unknown_lesson' }), made.length);
  });

  it('stores a finished viewing session at the origin with the lesson, its city and school', async () => {
    const viewer = { lessonId, viewerId: 'viewer-origin-1' };
    // The page said nothing about its place: the catalog knows the lesson's.
    assert.equal((await post(ingest.baseUrl, report({ ...viewer, playingSeconds: 10, stalledSeconds: 0 }))).status, 204);
    assert.equal(value((await scrape(ingest.baseUrl)).samples, 'classcast_viewers', { lesson: lessonId, city: String(place.cityId), school: String(place.schoolId) }), 1);
    // A beacon from a page on another origin arrives as text/plain.
    const leave = report({ ...viewer, event: 'leave', playingSeconds: 27, stalledSeconds: 3, httpBytes: 4_000_000, p2pBytesDown: 1_000_000 });
    assert.equal((await post(ingest.baseUrl, JSON.stringify(leave), 'text/plain;charset=UTF-8')).status, 204);
    const rows = await waitFor('the viewing session in the catalog', async () => {
      const found = await ingest.db.query<Record<string, unknown>>(`select lesson_id, city_id, school_id, node, watch_seconds, stall_seconds, fluency, http_bytes::int as http_bytes, p2p_bytes::int as p2p_bytes from viewing_sessions`);
      return found.length > 0 ? found : undefined;
    }, 5000);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], { lesson_id: lessonId, city_id: place.cityId, school_id: place.schoolId, node: 'province-1', watch_seconds: 30, stall_seconds: 3, fluency: 0.9, http_bytes: 4_000_000, p2p_bytes: 1_000_000 });
    assert.equal(value((await scrape(ingest.baseUrl)).samples, 'classcast_viewers', { lesson: lessonId }), undefined, 'the viewer who left no longer counts');
  });
});
