// What the operator dashboard shows, worked out from what the platform already has: the tiers'
// /metrics samples (viewers, bytes, relay upstreams, startup and stall counters, the ingest's
// keyframe interval and transcoder figures) and the catalog's lessons with their encoder status. Pure: the service passes in the samples, the catalog rows and
// earlier counter snapshots (rates and quality are differences over a window, as Prometheus'
// rate() would take them), and gets back the figures of now and the values of one history point.
import type { MetricSample } from './prom-text.ts';
import { figureOf, protectedLessonLabel } from './lesson-label.ts';
import { histogramSeries, metricNames, relayMetricPrefix } from './metric-names.ts';

/** A lesson as the catalog knows it, with its place and its classroom's encoder status (null: none reported). */
export type CatalogLesson = {
  id: string;
  title: string;
  state: 'scheduled' | 'live' | 'ended';
  startsAt: number;
  endsAt: number | null;
  classroomId: string;
  /** The classroom's name, and whether the lesson is unscheduled: a page titles such a lesson from its classroom, in its own language. */
  classroomName?: string;
  adHoc?: boolean;
  /** Not public (school or protected visibility): metrics label it by classroom (lesson-label.ts). */
  protected?: boolean;
  cityId: number | null;
  cityName: string | null;
  schoolId: number | null;
  schoolName: string | null;
  encoder: EncoderState | null;
};

export type EncoderState = { connected: boolean; bitrateKbps: number | null; fps: number | null; width: number | null; height: number | null; updatedAt: number; ingestNode: string };

/** Counter totals at one moment, summed over the tiers, by key (see counterTotals). */
export type CounterSnapshot = { at: number; totals: Record<string, number> };

export type Concurrency = { id: string; name: string; viewers: number };

export type RelayFigures = { node: string; upstreamBps: number | null; downstreamBps: number | null; upstreams: Array<{ url: string; up: boolean }> };

export type IngestHealth = {
  lessonId: string;
  title: string;
  adHoc: boolean;
  classroomId: string;
  classroomName: string | null;
  schoolName: string | null;
  connected: boolean;
  bitrateKbps: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  /** Seconds since the ingest node last wrote the encoder status (every 5 s while connected). */
  statusAgeSeconds: number | null;
  /** From the ingest's /metrics, where read (null otherwise): the encoder's keyframe interval, ffmpeg's speed, frames it dropped in the lesson. */
  keyframeIntervalSeconds: number | null;
  transcoderSpeed: number | null;
  droppedFrames: number | null;
};

export type DashboardNow = {
  at: number;
  /** Null where no tier's /metrics is read (a catalog on its own). */
  viewers: { total: number; byLesson: Concurrency[]; byCity: Concurrency[]; bySchool: Concurrency[] } | null;
  bandwidth: { provinceEgressBps: number | null; relays: RelayFigures[]; p2pOffload: number | null } | null;
  quality: { startupP50Seconds: number | null; startupP95Seconds: number | null; fluency: number | null; stallsPerViewerHour: number | null } | null;
  ingest: IngestHealth[];
};

/** Bytes per second over the short window (responsive), quality over the long one (enough sessions to mean something). */
export type Windows = { short: CounterSnapshot | undefined; long: CounterSnapshot | undefined };

const [startupMetric] = histogramSeries(metricNames.viewerStartupSeconds);

/** The counters the dashboard takes differences of, summed over every tier read. */
export function counterTotals(at: number, samples: readonly MetricSample[]): CounterSnapshot {
  const totals: Record<string, number> = {};
  const add = (key: string, value: number) => (totals[key] = (totals[key] ?? 0) + value);
  for (const sample of samples) {
    const { name, labels, value } = sample;
    if (name === metricNames.relayBytesFromUpstreamTotal) {
      add(`relay.${labels.node}.up`, value);
      // Relays pull from the province (or a parent relay): what they fetch is the tier above's egress.
      add('egress', value);
    } else if (name === metricNames.relayBytesToViewersTotal) add(`relay.${labels.node}.down`, value);
    else if (name === metricNames.originBytesSentTotal) add('originEgress', value);
    else if (name === metricNames.viewerBytesTotal) {
      add(`bytes.${labels.source}`, value);
      // Viewers playing straight from the origin take their HTTP bytes from the province itself.
      if (labels.tier === 'ingest' && labels.source === 'http') add('egress', value);
    } else if (name === metricNames.viewerPlayingSecondsTotal) add('playing', value);
    else if (name === metricNames.viewerStalledSecondsTotal) add('stalled', value);
    else if (name === metricNames.viewerStallsTotal) add('stalls', value);
    else if (name === startupMetric && labels.le !== undefined) add(`startup.${labels.le}`, value);
  }
  return { at, totals };
}

/** Growth of a counter between two snapshots; a counter that went back (a restart) counts from zero. */
function increase(now: CounterSnapshot, earlier: CounterSnapshot | undefined, key: string): number | null {
  if (!earlier || now.at <= earlier.at) return null;
  const current = now.totals[key];
  if (current === undefined) return null;
  const before = earlier.totals[key] ?? 0;
  return current >= before ? current - before : current;
}

function perSecond(now: CounterSnapshot, earlier: CounterSnapshot | undefined, key: string): number | null {
  const grown = increase(now, earlier, key);
  return grown === null || !earlier ? null : grown / ((now.at - earlier.at) / 1000);
}

/**
 * A quantile of a histogram from its cumulative buckets (upper bound -> count), interpolated within
 * the bucket as Prometheus' histogram_quantile does; null without observations.
 */
export function histogramQuantile(quantile: number, buckets: ReadonlyArray<{ le: number; count: number }>): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = quantile * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      // Past the last finite bound nothing is known but that bound.
      if (!Number.isFinite(bucket.le)) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      return inBucket <= 0 ? bucket.le : lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}

function startupBuckets(now: CounterSnapshot, earlier: CounterSnapshot | undefined): Array<{ le: number; count: number }> {
  return Object.keys(now.totals)
    .filter((key) => key.startsWith('startup.'))
    .map((key) => ({ le: key === 'startup.+Inf' ? Number.POSITIVE_INFINITY : Number(key.slice('startup.'.length)), count: increase(now, earlier, key) ?? 0 }));
}

export type NowInput = {
  at: number;
  /** Samples of every tier read; undefined when none is (then the tiers' figures are null). */
  samples: readonly MetricSample[] | undefined;
  counters: CounterSnapshot;
  windows: Windows;
  lessons: readonly CatalogLesson[];
  /** Names of the cities and schools the viewer labels name (catalog ids). */
  cityNames: ReadonlyMap<number, string>;
  schoolNames: ReadonlyMap<number, string>;
};

export function dashboardNow(input: NowInput): DashboardNow {
  const { at, samples, counters, windows, lessons } = input;
  const ingest = ingestHealth(at, lessons, samples);
  if (!samples) return { at, viewers: null, bandwidth: null, quality: null, ingest };

  // A lesson that is not public is labelled by its classroom on the ingest (lesson-label.ts).
  const titles = new Map(lessons.flatMap((lesson) => [[lesson.id, lesson.title] as const, ...(lesson.state === 'live' ? [[protectedLessonLabel(lesson.classroomId), lesson.title] as const] : [])]));
  const byLesson = new Map<string, number>();
  const byCity = new Map<string, number>();
  const bySchool = new Map<string, number>();
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== metricNames.viewers || sample.value <= 0) continue;
    total += sample.value;
    const add = (map: Map<string, number>, key: string | undefined) => map.set(key ?? 'unknown', (map.get(key ?? 'unknown') ?? 0) + sample.value);
    add(byLesson, sample.labels.lesson);
    add(byCity, sample.labels.city);
    add(bySchool, sample.labels.school);
  }
  const named = (map: Map<string, number>, name: (id: string) => string): Concurrency[] =>
    [...map].map(([id, viewers]) => ({ id, name: name(id), viewers })).sort((a, b) => b.viewers - a.viewers || a.name.localeCompare(b.name));
  const placeName = (names: ReadonlyMap<number, string>) => (id: string) => (id === 'unknown' ? 'Unknown' : (names.get(Number(id)) ?? `#${id}`));

  const relayNodes = new Set(samples.filter((sample) => sample.labels.tier === 'relay' && sample.name.startsWith(relayMetricPrefix)).map((sample) => sample.labels.node ?? ''));
  const relays: RelayFigures[] = [...relayNodes].sort().map((node) => ({
    node,
    upstreamBps: perSecond(counters, windows.short, `relay.${node}.up`),
    downstreamBps: perSecond(counters, windows.short, `relay.${node}.down`),
    upstreams: samples.filter((sample) => sample.name === metricNames.relayUpstreamUp && sample.labels.node === node).map((sample) => ({ url: sample.labels.upstream ?? '', up: sample.value === 1 })),
  }));

  const http = increase(counters, windows.short, 'bytes.http');
  const p2p = increase(counters, windows.short, 'bytes.p2p');
  const playing = increase(counters, windows.long, 'playing') ?? 0;
  const stalled = increase(counters, windows.long, 'stalled') ?? 0;
  const stalls = increase(counters, windows.long, 'stalls') ?? 0;
  const watchedHours = (playing + stalled) / 3600;
  const buckets = startupBuckets(counters, windows.long);
  return {
    at,
    viewers: { total, byLesson: named(byLesson, (id) => titles.get(id) ?? id), byCity: named(byCity, placeName(input.cityNames)), bySchool: named(bySchool, placeName(input.schoolNames)) },
    bandwidth: {
      // The origin's own count when a scraped origin has one; else what the tiers below fetched from it.
      provinceEgressBps: counters.totals.originEgress !== undefined ? perSecond(counters, windows.short, 'originEgress') : perSecond(counters, windows.short, 'egress'),
      relays,
      p2pOffload: http !== null && p2p !== null && http + p2p > 0 ? p2p / (http + p2p) : null,
    },
    quality: {
      startupP50Seconds: histogramQuantile(0.5, buckets),
      startupP95Seconds: histogramQuantile(0.95, buckets),
      fluency: playing + stalled > 0 ? 1 - stalled / (playing + stalled) : null,
      stallsPerViewerHour: watchedHours > 0 ? stalls / watchedHours : null,
    },
    ingest,
  };
}

/**
 * Live lessons' encoders, from the catalog (what ingest nodes wrote), most recently started first,
 * with the transcoding figures only the ingest's /metrics have where those are read.
 */
export function ingestHealth(at: number, lessons: readonly CatalogLesson[], samples: readonly MetricSample[] = []): IngestHealth[] {
  const byLesson = (name: string) => new Map(samples.filter((sample) => sample.name === name && sample.labels.lesson).map((sample) => [sample.labels.lesson!, sample.value]));
  const keyframeInterval = byLesson(metricNames.ingestKeyframeIntervalSeconds);
  const speed = byLesson(metricNames.transcoderSpeed);
  const dropped = byLesson(metricNames.transcoderDroppedFramesTotal);
  return lessons
    .filter((lesson) => lesson.state === 'live')
    .sort((a, b) => b.startsAt - a.startsAt)
    .map((lesson) => {
      const encoder = lesson.encoder;
      return {
        lessonId: lesson.id,
        title: lesson.title,
        adHoc: lesson.adHoc ?? false,
        classroomId: lesson.classroomId,
        classroomName: lesson.classroomName ?? null,
        schoolName: lesson.schoolName,
        connected: encoder?.connected ?? false,
        bitrateKbps: encoder?.bitrateKbps ?? null,
        fps: encoder?.fps ?? null,
        width: encoder?.width ?? null,
        height: encoder?.height ?? null,
        statusAgeSeconds: encoder ? Math.max(0, (at - encoder.updatedAt) / 1000) : null,
        keyframeIntervalSeconds: figureOf(keyframeInterval, lesson) ?? null,
        transcoderSpeed: figureOf(speed, lesson) ?? null,
        droppedFrames: figureOf(dropped, lesson) ?? null,
      };
    });
}

/** How many of the largest lessons and schools get a history series each (the rest only count in the totals). */
export const historyTopN = 20;

/** One history point from the figures of now: bounded in series whatever the size of the province. */
export function historyPoint(now: DashboardNow): Record<string, number | null> {
  const point: Record<string, number | null> = {};
  if (now.viewers) {
    point.viewers = now.viewers.total;
    for (const lesson of now.viewers.byLesson.slice(0, historyTopN)) point[`viewers.lesson.${lesson.id}`] = lesson.viewers;
    for (const city of now.viewers.byCity) point[`viewers.city.${city.id}`] = city.viewers;
    for (const school of now.viewers.bySchool.slice(0, historyTopN)) point[`viewers.school.${school.id}`] = school.viewers;
  }
  if (now.bandwidth) {
    point.egressBps = now.bandwidth.provinceEgressBps;
    point.p2pOffload = now.bandwidth.p2pOffload;
    for (const relay of now.bandwidth.relays) {
      point[`relay.${relay.node}.upstreamBps`] = relay.upstreamBps;
      point[`relay.${relay.node}.downstreamBps`] = relay.downstreamBps;
    }
  }
  if (now.quality) {
    point.startupP50 = now.quality.startupP50Seconds;
    point.startupP95 = now.quality.startupP95Seconds;
    point.fluency = now.quality.fluency;
    point.stallsPerViewerHour = now.quality.stallsPerViewerHour;
  }
  for (const row of now.ingest) {
    point[`ingest.${row.lessonId}.kbps`] = row.connected ? row.bitrateKbps : null;
    point[`ingest.${row.lessonId}.fps`] = row.connected ? row.fps : null;
  }
  return point;
}
