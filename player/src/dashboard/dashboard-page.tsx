// /dashboard, for operators: the platform now and over the last hours, read from GET
// /api/v1/dashboard every 5 s: alarms first, then concurrency (by lesson, city, school), bandwidth
// per tier and P2P offload, viewing quality, the health of every live classroom's encoder, and the
// ingest nodes' load (renditions shed).
import { useState } from 'preact/hooks';
import type { DashboardSnapshot } from '../../../services/stats/dashboard-service.ts';
import type { Concurrency, DashboardNow } from '../../../services/stats/dashboard-figures.ts';
import { PageFrame } from '../shared/page-frame.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { bitsPerSecond, clockTime, count, decimal, kbps, percent, seconds } from './dashboard-format.ts';
import { dashboardStyles } from './dashboard-styles.ts';
import { IngestNodesTable } from './ingest-nodes-table.tsx';
import { IngestTable } from './ingest-table.tsx';
import { JobsTable } from './jobs-table.tsx';
import { LineChart, type ChartSeries } from './line-chart.tsx';

const ranges = [
  { minutes: 60, label: '1 h' },
  { minutes: 180, label: '3 h' },
  { minutes: 360, label: '6 h' },
];

/** Lines per chart beyond the total: more would be a tangle. */
const linesPerChart = 5;

export function DashboardPage() {
  return (
    <PageFrame title="Dashboard" allow={['operator']}>
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
        <div class="segmented" role="group" aria-label="History shown">
          {ranges.map((range) => (
            <button key={range.minutes} type="button" class="button" aria-pressed={range.minutes === minutes} onClick={() => setMinutes(range.minutes)}>
              {range.label}
            </button>
          ))}
        </div>
        <span class="dashboard-updated muted" aria-live="polite">
          {data?.now ? `Updated ${clockTime(data.now.at)} · every 5 s` : 'Loading…'}
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
      .map(([key, values]) => ({ label: snapshot.names[key] ?? key.slice(prefix.length, key.length - suffix.length), values, last: [...values].reverse().find((value) => value !== null) ?? 0 }))
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
          This catalog reads no tier's /metrics, so it cannot show {snapshot.needsMetrics.join('; ')}. It shows what the catalog knows: lessons, encoders and finished viewing sessions. See docs/dashboard.md
          for Prometheus and Grafana.
        </p>
      )}
      {snapshot.tiers.filter((tier) => !tier.ok).map((tier) => (
        <p key={tier.url} class="form-error" role="alert">
          The {tier.tier}'s figures could not be read ({tier.url}: {tier.error}).
        </p>
      ))}
      {now && <Tiles now={now} />}

      {now?.viewers && (
        <section class="dashboard-section" aria-label="Concurrency">
          <h2>Concurrency</h2>
          <div class="charts">
            <LineChart title="Viewers by lesson" times={times} series={[...line('viewers', 'All viewers'), ...linesOf('viewers.lesson.')]} format={count} />
            <LineChart title="Viewers by city" times={times} series={linesOf('viewers.city.')} format={count} />
            <LineChart title="Viewers by school" times={times} series={linesOf('viewers.school.')} format={count} />
          </div>
          <div class="charts" style={{ marginTop: '0.75rem' }}>
            <Ranking title="Now by lesson" entries={now.viewers.byLesson} figure="lesson" />
            <Ranking title="Now by city" entries={now.viewers.byCity} figure="city" />
            <Ranking title="Now by school" entries={now.viewers.bySchool} figure="school" />
          </div>
        </section>
      )}

      {now?.bandwidth && (
        <section class="dashboard-section" aria-label="Bandwidth">
          <h2>Bandwidth and P2P offload</h2>
          <div class="charts">
            <LineChart
              title="Bandwidth per tier"
              times={times}
              series={[...line('egressBps', 'Province egress'), ...relayNodes.flatMap((node) => [...line(`relay.${node}.upstreamBps`, `${node} upstream`), ...line(`relay.${node}.downstreamBps`, `${node} to viewers`)])]}
              format={bitsPerSecond}
            />
            <LineChart title="P2P offload (P2P bytes / all bytes)" times={times} series={line('p2pOffload', 'P2P offload')} format={(value) => percent(value, 0)} max={1} />
          </div>
        </section>
      )}

      {now?.quality && (
        <section class="dashboard-section" aria-label="Quality">
          <h2>Quality</h2>
          <div class="charts">
            <LineChart title="Startup time" times={times} series={[...line('startupP50', 'p50'), ...line('startupP95', 'p95')]} format={seconds} />
            <LineChart title="Fluency (1 − stalled / watched)" times={times} series={line('fluency', 'Fluency')} format={(value) => percent(value, 0)} max={1} />
            <LineChart title="Stalls per viewer-hour" times={times} series={line('stallsPerViewerHour', 'Stalls per viewer-hour')} format={(value) => decimal(value)} />
          </div>
        </section>
      )}

      <section class="dashboard-section" aria-label="Ingest health">
        <h2>Ingest health</h2>
        {now && <IngestTable rows={now.ingest} />}
        {now && now.ingest.length > 0 && (
          <div class="charts" style={{ marginTop: '0.75rem' }}>
            <LineChart title="Input bitrate by classroom" times={times} series={linesOf('ingest.', '.kbps')} format={kbps} />
          </div>
        )}
        <h3>Ingest nodes</h3>
        <IngestNodesTable nodes={snapshot.ingestNodes} at={now?.at ?? Date.now()} />
        <h3>Background jobs</h3>
        <JobsTable queues={snapshot.jobs ?? []} />
      </section>

      <section class="dashboard-section" aria-label="Finished viewing sessions">
        <h2>Finished viewing sessions</h2>
        <div class="charts">
          <LineChart title="Hours watched per 10 minutes" times={snapshot.sessions.map((bucket) => bucket.at)} series={[{ label: 'Hours watched', values: snapshot.sessions.map((bucket) => bucket.watchHours) }]} format={(value) => decimal(value, 2)} />
          <LineChart title="Their fluency" times={snapshot.sessions.map((bucket) => bucket.at)} series={[{ label: 'Fluency', values: snapshot.sessions.map((bucket) => bucket.fluency) }]} format={(value) => percent(value, 0)} max={1} />
        </div>
      </section>
    </>
  );
}

function Tiles({ now }: { now: DashboardNow }) {
  const live = now.ingest.length;
  const tiles: Array<[string, string, string]> = [
    ['viewers-total', 'Viewers now', now.viewers ? count(now.viewers.total) : '—'],
    ['live-lessons', 'Live lessons', count(live)],
    ['province-egress', 'Province egress', bitsPerSecond(now.bandwidth?.provinceEgressBps)],
    ['p2p-offload', 'P2P offload', percent(now.bandwidth?.p2pOffload)],
    ['startup-p50', 'Startup p50 / p95', now.quality ? `${seconds(now.quality.startupP50Seconds)} / ${seconds(now.quality.startupP95Seconds)}` : '—'],
    ['fluency', 'Fluency', percent(now.quality?.fluency)],
    ['stalls', 'Stalls per viewer-hour', decimal(now.quality?.stallsPerViewerHour)],
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
        <p class="muted">Nobody is watching.</p>
      ) : (
        <ul class="ranking">
          {entries.slice(0, 10).map((entry) => (
            <li key={entry.id} data-concurrency={figure} data-id={entry.id} data-viewers={entry.viewers}>
              <span>{entry.name}</span>
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
    <section class="dashboard-section" aria-label="Alarms">
      <h2>Alarms</h2>
      {snapshot.alarms.length === 0 ? (
        <p class="muted" data-alarms="none">
          <span class="badge badge-ok">OK</span> No alarms.
        </p>
      ) : (
        <ul class="alarms">
          {snapshot.alarms.map((alarm) => (
            <li key={alarm.id} class="alarm" data-kind={alarm.kind} data-severity={alarm.severity} data-alarm={alarm.id}>
              <div class="alarm-head">
                <span class={alarm.severity === 'critical' ? 'badge' : 'badge badge-warning'}>{alarm.severity}</span>
                <span class="alarm-subject">{alarm.subject}</span>
                <span class="muted">since {clockTime(Date.parse(alarm.raisedAt))}</span>
              </div>
              <p class="alarm-message">{alarm.message}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
