// The operator dashboard's engine in a catalog process: every `checkSeconds` it reads the tiers'
// /metrics that this process can reach (in `all`, its own ingest and city relay; for a catalog on
// its own, the tiers its configuration lists, dashboard-tiers.ts) and the catalog (lessons, ingest
// nodes' load),
// works out the figures of now, evaluates the alarms (raised and cleared through the runner) and,
// every 10 s, keeps a history point. Where nothing ticks it (a catalog whose role did not start it),
// asking for a snapshot ticks once, so the page still shows fresh figures.
import type { Queryable } from '../catalog/db/database.ts';
import { jobCounts, type QueueCounts } from '../catalog/jobs/job-counts.ts';
import { dashboardClassroom, type ClassroomFigures } from './dashboard-classroom.ts';
import type { Logger } from '../core/log.ts';
import type { DiskState } from '../ingest/disk-guard.ts';
import { alarmMetrics } from './alarm-metrics.ts';
import { createAlarmRunner, type ActiveAlarm } from './alarm-runner.ts';
import { evaluateAlarms, median, type AlarmSettings, type StreamNorm } from './alarms.ts';
import { dashboardIngestNodes, dashboardLessons, failingUploads, finishedSessions, placeNames, type IngestNodeFigures, type SessionBucket } from './dashboard-catalog.ts';
import { counterTotals, dashboardNow, historyPoint, type CounterSnapshot, type DashboardNow, type Windows } from './dashboard-figures.ts';
import { createHistory, type HistorySettings, type HistoryWindow } from './history.ts';
import { endingAtNow } from './snapshot-window.ts';
import type { MetricSample } from './prom-text.ts';
import { scrapeMetrics, type MetricsSource } from './scrape-metrics.ts';
import type { ViewerFigures } from './lesson-viewers.ts';
import type { PrometheusReader } from './prometheus-reader.ts';
import { prometheusHistory } from './prometheus-history.ts';
import { metricNames } from './metric-names.ts';

export type DashboardSettings = AlarmSettings & { checkSeconds: number; webhookUrl?: string | undefined };

export type DashboardOptions = {
  db: Queryable;
  log: Logger;
  /** This catalog node's id (named in webhook calls). */
  node: string;
  settings: DashboardSettings;
  /** ingest.nodeDownSeconds: an ingest node whose heartbeat is older is down (its load is stale). */
  nodeDownSeconds: number;
  /** The tiers' /metrics this process reads; none for a catalog on its own that lists none. */
  metrics?: MetricsSource[];
  /** Read every tier's figures from Prometheus instead (dashboard.prometheusUrl): `metrics` is then not scraped. */
  prometheus?: { reader: PrometheusReader; url: string };
  /** How long a tier may take to answer before it counts as unreachable (default 3 s). */
  scrapeTimeoutMs?: number;
  /** Ingest disks this process can see (in `all`, its own). */
  disks?: () => Array<{ node: string; state: DiskState }>;
  history?: Partial<HistorySettings>;
  now?: () => number;
};

export type TierState = { tier: string; url: string; ok: boolean; error?: string };

export type DashboardSnapshot = {
  now: DashboardNow | null;
  history: HistoryWindow;
  /** What each per-lesson, city, school or classroom history series is of, for its legend (names outlive the figures of now). */
  names: Record<string, string>;
  /** Finished viewing sessions from the catalog, per 10 minutes: history even without the tiers' /metrics. */
  sessions: SessionBucket[];
  alarms: ActiveAlarm[];
  tiers: TierState[];
  /** The ingest nodes of the catalog with their load (renditions shed, and since when), by id. */
  ingestNodes: IngestNodeFigures[];
  /** Background jobs per queue: queued, running, failed (services/catalog/jobs/). */
  jobs: QueueCounts[];
  /** Each live lesson's questions and comments (dashboard-classroom.ts). */
  classroom: ClassroomFigures[];
  /** Figures this process cannot show because it reads no tier's /metrics (docs/dashboard.md). */
  needsMetrics: string[];
  /** Where the tiers' figures come from: this process's own scrapes, or Prometheus (dashboard.prometheusUrl). */
  source: 'scrape' | 'prometheus';
  /** How far back the history reaches: 6 hours in process, a day from Prometheus. */
  historyMinutes: number;
};

export type Dashboard = {
  /** Ticks every checkSeconds until closed. */
  start(): void;
  tick(): Promise<void>;
  snapshot(minutes: number): Promise<DashboardSnapshot>;
  /** The alarms for Prometheus (alarm-metrics.ts); asking ticks too where nothing else does. */
  metrics(): Promise<string>;
  /** Viewers per lesson label as the dashboard shows them now (the watch page's count, lesson-viewers.ts); null without tiers read. */
  viewerFigures(): Promise<ViewerFigures | null>;
  close(): Promise<void>;
};

/** What the API and the pages read of the dashboard a role runs (they neither start nor close it). */
export type DashboardReader = Pick<Dashboard, 'snapshot'>;

const shortWindowMs = 10_000;
const longWindowMs = 5 * 60_000;
const normWindowMs = 5 * 60_000;
const sessionBucketSeconds = 600;
const sessionsReadMs = 60_000;
const keptHistoryMs = 6 * 3600_000;
/** With Prometheus the charts reach back a day (the store keeps what it keeps; the page asks for at most this). */
export const prometheusHistoryMinutes = 24 * 60;

export const figuresNeedingMetrics = ['concurrency by lesson, city and school', 'bandwidth per tier and P2P offload', 'startup time, fluency and stalls', 'relay upstream alarms'];

export function createDashboard(options: DashboardOptions): Dashboard {
  const { db, log, settings } = options;
  const clock = options.now ?? Date.now;
  const sources = options.metrics ?? [];
  const history = createHistory({ keepMs: keptHistoryMs, ...options.history });
  const runner = createAlarmRunner({ log, node: options.node, webhookUrl: settings.webhookUrl });
  const register = alarmMetrics(options.node, runner.active);
  /** Counter snapshots of the last minutes, oldest first, for rates and windowed quality. */
  const counters: CounterSnapshot[] = [];
  let latest: DashboardNow | null = null;
  const names = new Map<string, string>();
  let tiers: TierState[] = [];
  let ingestNodes: IngestNodeFigures[] = [];
  let jobs: QueueCounts[] = [];
  let classroom: ClassroomFigures[] = [];
  let sessions: { at: number; buckets: SessionBucket[] } | undefined;
  let lastTickAt = 0;
  let ticking: Promise<void> | undefined;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** The newest snapshot at least `ageMs` old, or the oldest there is. */
  const earlier = (at: number, ageMs: number) => [...counters].reverse().find((snapshot) => snapshot.at <= at - ageMs) ?? counters[0];

  /** The tiers' samples of now and the counters of the windows before it: scraped here, or read from Prometheus. */
  const readTiers = async (at: number): Promise<{ samples: MetricSample[] | undefined; windows: Windows }> => {
    if (options.prometheus) {
      const { reader, url } = options.prometheus;
      try {
        const [current, short, long, targets] = await Promise.all([reader.samplesAt(at), reader.samplesAt(at - shortWindowMs), reader.samplesAt(at - longWindowMs), reader.targetsAt(at)]);
        tiers = targets.map((target) => ({ ...target, ...(target.ok ? {} : { error: `Prometheus cannot scrape it: ${target.error ?? 'up = 0'}` }) }));
        // A window from before Prometheus had the series is no window: the shorter one stands in.
        const shortCounters = short.length > 0 ? counterTotals(at - shortWindowMs, short) : undefined;
        return { samples: current, windows: { short: shortCounters, long: long.length > 0 ? counterTotals(at - longWindowMs, long) : shortCounters } };
      } catch (error) {
        // Prometheus is then the tier the dashboard cannot read: the "tier unreachable" alarm says so.
        tiers = [{ tier: 'prometheus', url, ok: false, error: (error as Error).message }];
        return { samples: [], windows: { short: undefined, long: undefined } };
      }
    }
    const scrapes = await Promise.all(sources.map((source) => scrapeMetrics(source, options.scrapeTimeoutMs)));
    tiers = scrapes.map((scrape) => ({ tier: scrape.source.tier, url: scrape.source.url(), ok: scrape.ok, ...(scrape.ok ? {} : { error: scrape.error }) }));
    return {
      samples: sources.length === 0 ? undefined : scrapes.flatMap((scrape) => (scrape.ok ? scrape.samples : [])),
      windows: { short: earlier(at, shortWindowMs), long: earlier(at, longWindowMs) },
    };
  };

  const read = async () => {
    const at = clock();
    const { samples, windows } = await readTiers(at);
    const lessons = await dashboardLessons(db, at);
    const nodes = await dashboardIngestNodes(db, at, options.nodeDownSeconds);
    const uploads = await failingUploads(db);
    const queues = await jobCounts(db);
    const questions = await dashboardClassroom(db, at);
    const viewerLabels = (label: 'city' | 'school') => [...new Set((samples ?? []).filter((sample) => sample.name === metricNames.viewers).map((sample) => Number(sample.labels[label])).filter(Number.isInteger))];
    const places = await placeNames(db, viewerLabels('city'), viewerLabels('school'));
    const snapshot = counterTotals(at, samples ?? []);
    const now = dashboardNow({ at, samples, counters: snapshot, windows, lessons, cityNames: places.cities, schoolNames: places.schools });
    counters.push(snapshot);
    while (counters.length > 1 && counters[0]!.at < at - longWindowMs - 60_000) counters.shift();

    const norms = new Map<string, StreamNorm>();
    for (const row of now.ingest) {
      const since = at - normWindowMs;
      norms.set(row.lessonId, { bitrateKbps: median(history.values(`ingest.${row.lessonId}.kbps`, since)), fps: median(history.values(`ingest.${row.lessonId}.fps`, since)) });
    }
    const packagerLag = new Map((samples ?? []).filter((sample) => sample.name === metricNames.packagerLagSeconds && sample.labels.lesson).map((sample) => [sample.labels.lesson!, sample.value]));
    const relays = now.bandwidth?.relays ?? [];
    runner.update(evaluateAlarms({ at, lessons, norms, packagerLag, relays, disks: options.disks?.() ?? [], tiers, ingestNodes: nodes, failingUploads: uploads }, settings), at);
    if (history.add(at, historyPoint(now))) nameSeries(names, now);
    if (!sessions || at - sessions.at >= sessionsReadMs) sessions = { at, buckets: await finishedSessions(db, at - keptHistoryMs, sessionBucketSeconds) };
    latest = now;
    ingestNodes = nodes;
    jobs = queues;
    classroom = questions;
    lastTickAt = at;
  };

  const tick = (): Promise<void> => {
    ticking ??= read()
      .then(() => {
        if (failing) log.info('dashboard figures readable again');
        failing = false;
      })
      .catch((error: unknown) => {
        // The catalog closing under a last tick is the end of the process, not a fault.
        if (closed) return;
        if (!failing) log.warn('dashboard figures not read; the dashboard shows the last ones', { error });
        failing = true;
      })
      .finally(() => (ticking = undefined));
    return ticking;
  };

  /** The charts' points over the last `minutes`, worked out from Prometheus's series as the figures of now are. */
  const historyFromPrometheus = async (minutes: number): Promise<HistoryWindow> => {
    const at = clock();
    try {
      const lessons = await dashboardLessons(db, at);
      const found = await prometheusHistory({ reader: options.prometheus!.reader, at, minutes, lessons, placeNames: (cities, schools) => placeNames(db, cities, schools) });
      for (const now of found.figures) nameSeries(names, now);
      return found.window;
    } catch (error) {
      log.warn('dashboard history not read from Prometheus', { error });
      return { times: [], series: {} };
    }
  };

  return {
    start() {
      if (timer) return;
      void tick();
      timer = setInterval(() => void tick(), settings.checkSeconds * 1000);
      timer.unref();
    },
    tick,
    async metrics() {
      if (clock() - lastTickAt >= settings.checkSeconds * 1000) await tick();
      return register.metrics();
    },
    async viewerFigures() {
      if (clock() - lastTickAt >= settings.checkSeconds * 1000) await tick();
      const viewers = latest?.viewers;
      return latest && viewers ? { at: latest.at, byLabel: new Map(viewers.byLesson.map((lesson) => [lesson.id, lesson.viewers])) } : null;
    },
    async snapshot(minutes) {
      if (clock() - lastTickAt >= settings.checkSeconds * 1000) await tick();
      const window = options.prometheus ? await historyFromPrometheus(minutes) : history.read(clock() - minutes * 60_000, 360);
      // Names of series gone from the history are forgotten with them.
      for (const key of names.keys()) if (history.values(key, 0).length === 0) names.delete(key);
      return {
        now: latest,
        // Ends at `now`, so the charts' legends agree with the tiles and tables (snapshot-window.ts).
        history: endingAtNow(window, latest),
        names: Object.fromEntries([...names].filter(([key]) => key in window.series)),
        sessions: sessions?.buckets.filter((bucket) => bucket.at >= clock() - minutes * 60_000) ?? [],
        alarms: runner.active(),
        tiers,
        ingestNodes,
        jobs,
        classroom,
        needsMetrics: sources.length === 0 && !options.prometheus ? figuresNeedingMetrics : [],
        source: options.prometheus ? 'prometheus' : 'scrape',
        historyMinutes: options.prometheus ? prometheusHistoryMinutes : keptHistoryMs / 60_000,
      };
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await ticking;
      await runner.settled();
    },
  };
}

/** Remembers the names of the series a history point has. */
function nameSeries(names: Map<string, string>, now: DashboardNow): void {
  for (const [group, list] of [['lesson', now.viewers?.byLesson], ['city', now.viewers?.byCity], ['school', now.viewers?.bySchool]] as const) {
    for (const entry of list ?? []) names.set(`viewers.${group}.${entry.id}`, entry.name);
  }
  for (const row of now.ingest) names.set(`ingest.${row.lessonId}.kbps`, row.title);
}
