// /dashboard, for operators: the platform now and over the last hours, read from GET
// /api/v1/dashboard every 5 s: alarms first, then concurrency (by lesson, city, school), bandwidth
// per tier and P2P offload, viewing quality, the health of every live classroom's encoder, and the
// ingest nodes' load (renditions shed).
import { useState } from 'preact/hooks';
import type { DashboardSnapshot } from '../../../services/stats/dashboard-service.ts';
import type { Concurrency, DashboardNow } from '../../../services/stats/dashboard-figures.ts';
import { i18n, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/messages/catalogs.ts';
import type { Alarm, AlarmReason } from '../../../services/stats/alarms.ts';
import { PageFrame } from '../shared/page-frame.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { bitsPerSecond, count, decimal, kbps, percent, seconds, unknown } from './dashboard-format.ts';
import { dashboardStyles } from './dashboard-styles.ts';
import { IngestNodesTable } from './ingest-nodes-table.tsx';
import { IngestTable } from './ingest-table.tsx';
import { JobsTable } from './jobs-table.tsx';
import { ClassroomTable } from './classroom-table.tsx';
import { LineChart, type ChartSeries } from './line-chart.tsx';

/** History windows the page offers, in minutes: the day only where the figures come from Prometheus (historyMinutes). */
const ranges = [60, 180, 360, 1440];

/** Lines per chart beyond the total: more would be a tangle. */
const linesPerChart = 5;

export function DashboardPage() {
  return (
    <PageFrame title={t('page.dashboard')} allow={['operator']}>
      {() => <Dashboard />}
    </PageFrame>
  );
}

function Dashboard() {
  const [minutes, setMinutes] = useState(180);
  const { data, error } = useApiData<DashboardSnapshot>(`/dashboard?minutes=${minutes}`, 5000);
  return (
    <>
      <style>{dashboardStyles}</style>
      <div class="dashboard-bar">
        <div class="segmented" role="group" aria-label={t('dashboard.history')}>
          {ranges.filter((range) => range <= (data?.historyMinutes ?? 360)).map((range) => (
            <button key={range} type="button" class="button" aria-pressed={range === minutes} onClick={() => setMinutes(range)}>
              {t('dashboard.hours', { hours: range / 60 })}
            </button>
          ))}
        </div>
        <span class="dashboard-updated muted" aria-live="polite">
          {data?.now ? t('dashboard.updated', { at: data.now.at }) : t('frame.loading')}
        </span>
      </div>
      {error && <p class="form-error" role="alert">{error}</p>}
      {data && <Figures snapshot={data} />}
    </>
  );
}

function Figures({ snapshot }: { snapshot: DashboardSnapshot }) {
  const now = snapshot.now;
  const { times, series } = snapshot.history;
  /** History series whose keys start with `prefix` (and end with `suffix`), the largest last, named as the server knows them. */
  const linesOf = (prefix: string, suffix = '', limit = linesPerChart): ChartSeries[] =>
    Object.entries(series)
      .filter(([key]) => key.startsWith(prefix) && key.endsWith(suffix))
      .map(([key, values]) => ({ label: key.endsWith('.unknown') ? t('dashboard.unknownPlace') : (snapshot.names[key] ?? key.slice(prefix.length, key.length - suffix.length)), values, last: [...values].reverse().find((value) => value !== null) ?? 0 }))
      .sort((a, b) => b.last - a.last)
      .slice(0, limit)
      .map(({ label, values }) => ({ label, values }));
  const line = (key: string, label: string): ChartSeries[] => (series[key] ? [{ label, values: series[key]! }] : []);
  const relayNodes = now?.bandwidth?.relays.map((relay) => relay.node) ?? [];

  return (
    <>
      <Alarms snapshot={snapshot} />
      {snapshot.needsMetrics.length > 0 && (
        <p class="notice">
          {t('dashboard.needsMetrics', { missing: i18n().list(snapshot.needsMetrics.map(figureName)) })}
        </p>
      )}
      {snapshot.tiers.filter((tier) => !tier.ok).map((tier) => (
        <p key={tier.url} class="form-error" role="alert">
          {t('dashboard.tierFailed', { tier: t('dashboard.tierName', { tier: tier.tier }), url: tier.url, error: tier.error })}
        </p>
      ))}
      {now && <Tiles now={now} />}

      {now?.viewers && (
        <section class="dashboard-section" aria-label={t('dashboard.concurrency')}>
          <h2>{t('dashboard.concurrency')}</h2>
          <div class="charts">
            <LineChart title={t('dashboard.viewersByLesson')} times={times} series={[...line('viewers', t('dashboard.allViewers')), ...linesOf('viewers.lesson.')]} format={count} />
            <LineChart title={t('dashboard.viewersByCity')} times={times} series={linesOf('viewers.city.')} format={count} />
            <LineChart title={t('dashboard.viewersBySchool')} times={times} series={linesOf('viewers.school.')} format={count} />
          </div>
          <div class="charts" style={{ marginTop: '0.75rem' }}>
            <Ranking title={t('dashboard.nowByLesson')} entries={now.viewers.byLesson} figure="lesson" />
            <Ranking title={t('dashboard.nowByCity')} entries={now.viewers.byCity} figure="city" />
            <Ranking title={t('dashboard.nowBySchool')} entries={now.viewers.bySchool} figure="school" />
          </div>
        </section>
      )}

      {now?.bandwidth && (
        <section class="dashboard-section" aria-label={t('dashboard.bandwidth')}>
          <h2>{t('dashboard.bandwidthOffload')}</h2>
          <div class="charts">
            <LineChart
              title={t('dashboard.bandwidthPerTier')}
              times={times}
              series={[...line('egressBps', t('dashboard.provinceEgress')), ...relayNodes.flatMap((node) => [...line(`relay.${node}.upstreamBps`, t('dashboard.relayUpstream', { node })), ...line(`relay.${node}.downstreamBps`, t('dashboard.relayViewers', { node }))])]}
              format={bitsPerSecond}
            />
            <LineChart title={t('dashboard.offloadChart')} times={times} series={line('p2pOffload', t('dashboard.offload'))} format={(value) => percent(value, 0)} max={1} />
          </div>
        </section>
      )}

      {now?.quality && (
        <section class="dashboard-section" aria-label={t('dashboard.quality')}>
          <h2>{t('dashboard.quality')}</h2>
          <div class="charts">
            <LineChart title={t('dashboard.startup')} times={times} series={[...line('startupP50', 'p50'), ...line('startupP95', 'p95')]} format={seconds} />
            <LineChart title={t('dashboard.fluencyChart')} times={times} series={line('fluency', t('dashboard.fluency'))} format={(value) => percent(value, 0)} max={1} />
            <LineChart title={t('dashboard.stalls')} times={times} series={line('stallsPerViewerHour', t('dashboard.stalls'))} format={(value) => decimal(value)} />
          </div>
        </section>
      )}

      <section class="dashboard-section" aria-label={t('dashboard.ingestHealth')}>
        <h2>{t('dashboard.ingestHealth')}</h2>
        {now && <IngestTable rows={now.ingest} />}
        {now && now.ingest.length > 0 && (
          <div class="charts" style={{ marginTop: '0.75rem' }}>
            <LineChart title={t('dashboard.inputBitrate')} times={times} series={linesOf('ingest.', '.kbps')} format={kbps} />
          </div>
        )}
        <h3>{t('dashboard.ingestNodes')}</h3>
        <IngestNodesTable nodes={snapshot.ingestNodes} at={now?.at ?? Date.now()} />
        <h3>{t('dashboard.jobs')}</h3>
        <JobsTable queues={snapshot.jobs ?? []} />
      </section>

      <section class="dashboard-section" aria-label={t('dashboard.classroom')}>
        <h2>{t('dashboard.classroom')}</h2>
        <ClassroomTable lessons={snapshot.classroom ?? []} />
      </section>

      <section class="dashboard-section" aria-label={t('dashboard.sessions')}>
        <h2>{t('dashboard.sessions')}</h2>
        <div class="charts">
          <LineChart title={t('dashboard.hoursWatchedChart')} times={snapshot.sessions.map((bucket) => bucket.at)} series={[{ label: t('dashboard.hoursWatched'), values: snapshot.sessions.map((bucket) => bucket.watchHours) }]} format={(value) => decimal(value, 2)} />
          <LineChart title={t('dashboard.theirFluency')} times={snapshot.sessions.map((bucket) => bucket.at)} series={[{ label: t('dashboard.fluency'), values: snapshot.sessions.map((bucket) => bucket.fluency) }]} format={(value) => percent(value, 0)} max={1} />
        </div>
      </section>
    </>
  );
}

function Tiles({ now }: { now: DashboardNow }) {
  const live = now.ingest.length;
  const tiles: Array<[string, string, string]> = [
    ['viewers-total', t('dashboard.viewersNow'), now.viewers ? count(now.viewers.total) : unknown],
    ['live-lessons', t('dashboard.liveLessons'), count(live)],
    ['province-egress', t('dashboard.provinceEgress'), bitsPerSecond(now.bandwidth?.provinceEgressBps)],
    ['p2p-offload', t('dashboard.offload'), percent(now.bandwidth?.p2pOffload)],
    ['startup-p50', t('dashboard.startupTile'), now.quality ? t('dashboard.pair', { first: seconds(now.quality.startupP50Seconds), second: seconds(now.quality.startupP95Seconds) }) : unknown],
    ['fluency', t('dashboard.fluency'), percent(now.quality?.fluency)],
    ['stalls', t('dashboard.stalls'), decimal(now.quality?.stallsPerViewerHour)],
  ];
  return (
    <div class="tiles">
      {tiles.map(([id, label, value]) => (
        <div key={id} class="tile" data-figure={id}>
          <span class="tile-label">{label}</span>
          <span class="tile-value">{value}</span>
        </div>
      ))}
    </div>
  );
}

function Ranking({ title, entries, figure }: { title: string; entries: Concurrency[]; figure: string }) {
  const top = entries[0]?.viewers ?? 0;
  return (
    <div class="card">
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p class="muted">{t('dashboard.nobody')}</p>
      ) : (
        <ul class="ranking">
          {entries.slice(0, 10).map((entry) => (
            <li key={entry.id} data-concurrency={figure} data-id={entry.id} data-viewers={entry.viewers}>
              <span>{entry.id === 'unknown' ? t('dashboard.unknownPlace') : entry.name}</span>
              <strong>{count(entry.viewers)}</strong>
              <span class="ranking-bar" style={{ width: `${top > 0 ? (entry.viewers / top) * 100 : 0}%` }} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Alarms({ snapshot }: { snapshot: DashboardSnapshot }) {
  return (
    <section class="dashboard-section" aria-label={t('dashboard.alarms')}>
      <h2>{t('dashboard.alarms')}</h2>
      {snapshot.alarms.length === 0 ? (
        <p class="muted" data-alarms="none">
          <span class="badge badge-ok">{t('dashboard.ok')}</span> {t('dashboard.noAlarms')}
        </p>
      ) : (
        <ul class="alarms">
          {snapshot.alarms.map((alarm) => (
            <li key={alarm.id} class="alarm" data-kind={alarm.kind} data-severity={alarm.severity} data-alarm={alarm.id}>
              <div class="alarm-head">
                <span class={alarm.severity === 'critical' ? 'badge' : 'badge badge-warning'}>{t('dashboard.severity', { severity: alarm.severity })}</span>
                <span class="alarm-subject">{alarmSubject(alarm)}</span>
                <span class="muted">{t('dashboard.since', { at: Date.parse(alarm.raisedAt) })}</span>
              </div>
              <p class="alarm-message">{alarmMessage(alarm)}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Each alarm reason's message (the server's English one is for logs and the webhook). */
const alarmMessages: Record<AlarmReason, MessageKey> = {
  'no-encoder': 'alarm.no-encoder',
  'encoder-disconnected': 'alarm.encoder-disconnected',
  'encoder-silent': 'alarm.encoder-silent',
  'encoder-sends-nothing': 'alarm.encoder-sends-nothing',
  'transcoder-stuck': 'alarm.transcoder-stuck',
  'bitrate-low': 'alarm.bitrate-low',
  'fps-low': 'alarm.fps-low',
  'all-upstreams-down': 'alarm.all-upstreams-down',
  'upstream-down': 'alarm.upstream-down',
  'disk-refusing': 'alarm.disk-refusing',
  'disk-filling': 'alarm.disk-filling',
  'ingest-shedding': 'alarm.ingest-shedding',
  'tier-unreachable': 'alarm.tier-unreachable',
  'replay-upload': 'alarm.replay-upload',
};

function alarmMessage(alarm: Alarm): string {
  return t(alarmMessages[alarm.text.reason], alarm.text.facts);
}

/** A lesson's title (with its school) as it is; a relay, disk, ingest node or the replay storage named in the page's language. */
function alarmSubject(alarm: Alarm): string {
  const { tier, url } = alarm.text.facts;
  if (alarm.kind === 'tier-unreachable' && typeof tier === 'string' && typeof url === 'string') return t('alarm.subject.tier', { tier: t('dashboard.tierName', { tier }), url });
  if (alarm.kind === 'replay-upload') return t('alarm.subject.replayStorage');
  if (!alarm.node) return alarm.subject;
  if (alarm.kind === 'relay-upstream-down') return t('alarm.subject.relay', { node: alarm.node });
  if (alarm.kind === 'disk') return t('alarm.subject.disk', { node: alarm.node });
  if (alarm.kind === 'ingest-shedding') return t('alarm.subject.ingest', { node: alarm.node });
  return alarm.subject;
}

/**
 * The figures the catalog cannot show without the tiers' /metrics, as the server lists them
 * (services/stats/dashboard-service.ts: figuresNeedingMetrics), in the page's language.
 */
const figureNames: Record<string, MessageKey> = {
  'concurrency by lesson, city and school': 'dashboard.figureConcurrency',
  'bandwidth per tier and P2P offload': 'dashboard.figureBandwidth',
  'startup time, fluency and stalls': 'dashboard.figureQuality',
  'relay upstream alarms': 'dashboard.figureRelayAlarms',
};

function figureName(figure: string): string {
  const key = figureNames[figure];
  return key ? t(key) : figure;
}
