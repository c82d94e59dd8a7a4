// What is wrong on the platform now, from the same facts the dashboard shows: a lesson the timetable
// says should be live with no encoder, a live stream that stalled (encoder gone, no data, transcoder
// stuck) or fell far below its own norm, a relay whose upstream is down, an ingest disk filling up,
// an ingest node shedding renditions for want of CPU for over a minute, a tier whose /metrics the
// dashboard cannot read, finished replays that cannot be moved to object storage.
// Pure evaluation: facts and times in, the list of alarms out; alarm-runner.ts keeps the state
// (raised, cleared), logs and calls the webhook. An alarm's id names its cause, so the same cause
// keeps the same id from one evaluation to the next.
import type { DiskState } from '../ingest/disk-guard.ts';
import type { IngestNodeFigures } from './dashboard-catalog.ts';
import type { CatalogLesson } from './dashboard-figures.ts';
import { figureOf, lessonLabel } from './lesson-label.ts';

export type AlarmKind = 'no-encoder' | 'stream-stalled' | 'stream-degraded' | 'relay-upstream-down' | 'disk' | 'ingest-shedding' | 'tier-unreachable' | 'replay-upload';
export type Severity = 'warning' | 'critical';

export type AlarmReason =
  | 'no-encoder'
  | 'encoder-disconnected'
  | 'encoder-silent'
  | 'encoder-sends-nothing'
  | 'transcoder-stuck'
  | 'bitrate-low'
  | 'fps-low'
  | 'all-upstreams-down'
  | 'upstream-down'
  | 'disk-refusing'
  | 'disk-filling'
  | 'ingest-shedding'
  | 'tier-unreachable'
  | 'replay-upload';

export type AlarmText = { reason: AlarmReason; facts: Record<string, string | number> };

/** A reason in English and as text a page translates. */
type Said = { message: string; text: AlarmText };
const said = (message: string, reason: AlarmReason, facts: Record<string, string | number> = {}): Said => ({ message, text: { reason, facts } });

export type Alarm = {
  id: string;
  kind: AlarmKind;
  severity: Severity;
  /** What the alarm is about, for a person: a lesson title, a relay, a disk. */
  subject: string;
  /** In English, for logs, the webhook and the API. */
  message: string;
  /** The message as a reason and its figures, so a page can say it in its own language. */
  text: AlarmText;
  lessonId?: string;
  /** How /metrics/alarms names the lesson: its id, or its classroom when it is not public (lesson-label.ts). */
  lessonLabel?: string;
  node?: string;
};

export type AlarmSettings = {
  /** A scheduled lesson with no encoder this long after its start is late. */
  lateStartMinutes: number;
  /** A connected encoder (or the packager) silent this long has stalled. */
  stallSeconds: number;
  /** Input bitrate or fps under this share of its own median is degraded. */
  degradedPercent: number;
};

/** A stream's norm: medians of what its encoder sent over the last minutes (null: not enough known). */
export type StreamNorm = { bitrateKbps: number | null; fps: number | null };

export type AlarmInput = {
  at: number;
  lessons: readonly CatalogLesson[];
  norms: ReadonlyMap<string, StreamNorm>;
  /** Seconds since each live lesson's packager last published a segment (ingest's /metrics), where read. */
  packagerLag: ReadonlyMap<string, number>;
  relays: ReadonlyArray<{ node: string; upstreams: ReadonlyArray<{ url: string; up: boolean }> }>;
  disks: ReadonlyArray<{ node: string; state: DiskState }>;
  /** The ingest nodes of the catalog with their reported load (none given: no shedding alarm). */
  ingestNodes?: ReadonlyArray<Pick<IngestNodeFigures, 'node' | 'up' | 'renditionsShed' | 'sheddingSince'>>;
  /** The tiers whose /metrics the dashboard reads, and whether the last read worked. */
  tiers?: ReadonlyArray<{ tier: string; url: string; ok: boolean; error?: string }>;
  /** Replays whose last upload to object storage failed (they wait on their node's disk), oldest first. */
  failingUploads?: ReadonlyArray<{ id: string; attempts: number; failure: string }>;
};

/**
 * A node shedding renditions longer than this is short of CPU for good, not for a burst (shedding
 * gives renditions back as soon as the CPU allows): the alarm says so.
 */
export const sheddingAlarmSeconds = 60;

/** The median of the values, or null with fewer than `atLeast` of them. */
export function median(values: readonly number[], atLeast = 3): number | null {
  if (values.length < atLeast) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function evaluateAlarms(input: AlarmInput, settings: AlarmSettings): Alarm[] {
  const alarms: Alarm[] = [];
  for (const lesson of input.lessons) {
    const subject = lesson.schoolName ? `${lesson.title} (${lesson.schoolName})` : lesson.title;
    if (lesson.state === 'scheduled') {
      const late = lesson.startsAt + settings.lateStartMinutes * 60_000;
      if (input.at > late && (lesson.endsAt === null || input.at < lesson.endsAt)) {
        const minutes = Math.floor((input.at - lesson.startsAt) / 60_000);
        alarms.push({ id: `no-encoder:${lesson.id}`, kind: 'no-encoder', severity: 'critical', subject, lessonId: lesson.id, lessonLabel: lessonLabel({ id: lesson.id, classroomId: lesson.classroomId, protected: lesson.protected ?? false }), ...said(`should be live since ${minutes} min by the timetable, and no encoder is pushing (classroom ${lesson.classroomId})`, 'no-encoder', { minutes, classroom: lesson.classroomId }) });
      }
      continue;
    }
    if (lesson.state !== 'live') continue;
    const stalled = stallReason(input, lesson, settings);
    if (stalled) {
      alarms.push({ id: `stream-stalled:${lesson.id}`, kind: 'stream-stalled', severity: 'critical', subject, lessonId: lesson.id, lessonLabel: lessonLabel({ id: lesson.id, classroomId: lesson.classroomId, protected: lesson.protected ?? false }), ...stalled });
      continue;
    }
    const degraded = degradedReason(lesson, input.norms.get(lesson.id), settings);
    if (degraded) alarms.push({ id: `stream-degraded:${lesson.id}`, kind: 'stream-degraded', severity: 'warning', subject, lessonId: lesson.id, lessonLabel: lessonLabel({ id: lesson.id, classroomId: lesson.classroomId, protected: lesson.protected ?? false }), ...degraded });
  }
  for (const relay of input.relays) {
    const down = relay.upstreams.filter((upstream) => !upstream.up);
    if (down.length === 0) continue;
    const all = down.length === relay.upstreams.length;
    const urls = down.map((upstream) => upstream.url).join(', ');
    alarms.push({
      id: `relay-upstream-down:${relay.node}`,
      kind: 'relay-upstream-down',
      severity: all ? 'critical' : 'warning',
      subject: `relay ${relay.node}`,
      node: relay.node,
      ...(all
        ? said(`every upstream is down (${urls}): viewers get only what is cached`, 'all-upstreams-down', { urls })
        : said(`upstream ${urls} is down; the relay uses the others`, 'upstream-down', { urls })),
    });
  }
  for (const { node, state } of input.disks) {
    const base = { id: `disk:${node}`, kind: 'disk' as const, subject: `ingest ${node} disk`, node };
    if (!state.ok) alarms.push({ ...base, severity: 'critical', ...said(`${state.reason ?? 'disk alarm'}: new publishes are refused`, 'disk-refusing', { reason: state.reason ?? 'disk alarm' }) });
    else if (state.totalBytes > 0 && state.freeBytes < 2 * state.minFreeBytes) {
      alarms.push({ ...base, severity: 'warning', ...said(`disk filling up: ${gibibytes(state.freeBytes)} free, publishes stop under ${gibibytes(state.minFreeBytes)}`, 'disk-filling', { free: state.freeBytes / 1024 ** 3, min: state.minFreeBytes / 1024 ** 3 }) });
    }
  }
  for (const { node, up, renditionsShed, sheddingSince } of input.ingestNodes ?? []) {
    // A down node's last report is stale: the down node is another matter (its classrooms move).
    if (!up || sheddingSince === null || renditionsShed === 0) continue;
    const shedding = input.at - sheddingSince;
    if (shedding <= sheddingAlarmSeconds * 1000) continue;
    alarms.push({
      id: `ingest-shedding:${node}`,
      kind: 'ingest-shedding',
      severity: 'warning',
      subject: `ingest ${node}`,
      node,
      ...said(
        `sheds ${renditionsShed} rendition${renditionsShed === 1 ? '' : 's'} for want of CPU since ${Math.floor(shedding / 60_000)} min: viewers lose lower qualities; new classrooms go to other nodes first (add an ingest node if it lasts)`,
        'ingest-shedding',
        { renditions: renditionsShed, minutes: Math.floor(shedding / 60_000) },
      ),
    });
  }
  for (const tier of input.tiers ?? []) {
    if (tier.ok) continue;
    alarms.push({
      id: `tier-unreachable:${tier.url}`,
      kind: 'tier-unreachable',
      severity: 'critical',
      subject: `${tier.tier} ${tier.url}`,
      ...said(`its /metrics cannot be read (${tier.error ?? 'no answer'}): the tier may be down, and the dashboard misses its figures`, 'tier-unreachable', { error: tier.error ?? 'no answer', tier: tier.tier, url: tier.url }),
    });
  }
  const uploads = input.failingUploads ?? [];
  if (uploads.length > 0) {
    // One alarm for them all: the cause is the store (or its credentials), not each replay.
    const oldest = uploads[0]!;
    alarms.push({
      id: 'replay-upload',
      kind: 'replay-upload',
      severity: 'warning',
      subject: 'replay storage',
      ...said(
        `${uploads.length} finished replay${uploads.length === 1 ? '' : 's'} cannot be moved to object storage and wait on the ingest nodes' disks (nothing is lost; retried with backoff): ${oldest.id}, ${oldest.attempts} attempt${oldest.attempts === 1 ? '' : 's'}: ${oldest.failure}`,
        'replay-upload',
        { replays: uploads.length, oldest: oldest.id, attempts: oldest.attempts, failure: oldest.failure },
      ),
    });
  }
  const rank = (alarm: Alarm) => (alarm.severity === 'critical' ? 0 : 1);
  return alarms.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

function stallReason(input: AlarmInput, lesson: CatalogLesson, settings: AlarmSettings): Said | undefined {
  const encoder = lesson.encoder;
  if (!encoder || !encoder.connected) return said('the encoder is not connected: the lesson waits for it to reconnect', 'encoder-disconnected');
  const silent = (input.at - encoder.updatedAt) / 1000;
  if (silent > settings.stallSeconds) return said(`no data from the encoder for ${Math.round(silent)} s while connected`, 'encoder-silent', { seconds: Math.round(silent) });
  if (encoder.bitrateKbps === 0) return said('the encoder is connected but sends nothing', 'encoder-sends-nothing');
  // By lesson id, or by classroom for a lesson that is not public (lesson-label.ts).
  const lag = figureOf(input.packagerLag, lesson);
  if (lag !== undefined && lag > settings.stallSeconds) return said(`no new segment for ${Math.round(lag)} s: the transcoder is stuck`, 'transcoder-stuck', { seconds: Math.round(lag) });
  return undefined;
}

function degradedReason(lesson: CatalogLesson, norm: StreamNorm | undefined, settings: AlarmSettings): Said | undefined {
  const encoder = lesson.encoder;
  if (!encoder || !norm) return undefined;
  const share = settings.degradedPercent / 100;
  const below = (value: number | null, usual: number | null) => value !== null && usual !== null && usual > 0 && value < usual * share;
  if (below(encoder.bitrateKbps, norm.bitrateKbps)) {
    const facts = { kbps: Math.round(encoder.bitrateKbps!), percent: settings.degradedPercent, usual: Math.round(norm.bitrateKbps!) };
    return said(`input bitrate ${facts.kbps} kbit/s, under ${facts.percent}% of its usual ${facts.usual} kbit/s`, 'bitrate-low', facts);
  }
  if (below(encoder.fps, norm.fps)) return said(`input ${encoder.fps!.toFixed(1)} fps, under ${settings.degradedPercent}% of its usual ${norm.fps!.toFixed(1)} fps`, 'fps-low', { fps: encoder.fps!, percent: settings.degradedPercent, usual: norm.fps! });
  return undefined;
}

function gibibytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
