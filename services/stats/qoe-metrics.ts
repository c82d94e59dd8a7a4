// The viewers' reports as Prometheus metrics on the node that took them. Viewer counts, fluency and
// bitrate are read from the sessions when scraped; totals (watch and stall time, stalls, bytes by
// source, errors) and startup times are added as reports arrive. Every series is per lesson (and
// the lesson's city and school on the viewer count); a lesson's series go when its last viewer has.
// The `lesson` label is what `labelOf` makes of the lesson id: a lesson that is not public never
// appears by id (lesson-label.ts), and lessons sharing a placeholder add up in it.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { lessonFigures, type Place, type QoeState, type ReportEffect } from './qoe-aggregate.ts';
import { metricNames, type MetricName } from './metric-names.ts';

/** A viewer counts as watching while it reported within this time (a page reports every 10 s). */
export const viewerActiveMs = 30_000;

/** `forged`: no good viewer session, or a protected lesson's report without a good playback token. */
export type ReportOutcome = 'accepted' | 'invalid' | 'limited' | 'unknown_lesson' | 'forged';

export type QoeMetrics = {
  added(lessonId: string, effect: ReportEffect): void;
  outcome(outcome: ReportOutcome): void;
  sessionsFinished(count: number): void;
  /** Drops a label's series (the last viewer of its lessons has gone). */
  forget(label: string): void;
};

const placeLabel = (id: number | null | undefined) => (id === null || id === undefined ? 'unknown' : String(id));

export function registerQoeMetrics(
  register: Registry,
  state: QoeState,
  places: ReadonlyMap<string, Place>,
  now: () => number = Date.now,
  labelOf: (lessonId: string) => string = (lessonId) => lessonId,
): QoeMetrics {
  new Gauge({
    name: metricNames.viewers,
    help: 'Viewers watching now (reported within the last 30 s), by lesson and the lesson city and school (catalog ids).',
    labelNames: ['lesson', 'city', 'school'],
    registers: [register],
    collect() {
      this.reset();
      for (const figures of lessonFigures(state, now(), viewerActiveMs)) {
        const place = places.get(figures.lessonId);
        this.inc({ lesson: labelOf(figures.lessonId), city: placeLabel(place?.cityId), school: placeLabel(place?.schoolId) }, figures.viewers);
      }
    },
  });
  new Gauge({
    name: metricNames.viewerFluency,
    help: 'Fluency of the viewers watching now, together: 1 - stalled time / watched time.',
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const figures of lessonFigures(state, now(), viewerActiveMs)) if (figures.fluency !== null) this.set({ lesson: labelOf(figures.lessonId) }, figures.fluency);
    },
  });
  new Gauge({
    name: metricNames.viewerBitrateKbps,
    help: 'Mean bitrate of the rendition the viewers watching now play.',
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const figures of lessonFigures(state, now(), viewerActiveMs)) if (figures.bitrateKbps !== null) this.set({ lesson: labelOf(figures.lessonId) }, figures.bitrateKbps);
    },
  });
  const startup = new Histogram({
    name: metricNames.viewerStartupSeconds,
    help: 'Time from asking to play to the first picture, once per viewing session.',
    labelNames: ['lesson'],
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 20, 30],
    registers: [register],
  });
  const counter = (name: MetricName, help: string, labelNames: string[] = ['lesson']) => new Counter({ name, help, labelNames, registers: [register] });
  const playing = counter(metricNames.viewerPlayingSecondsTotal, 'Seconds viewers spent playing.');
  const stalled = counter(metricNames.viewerStalledSecondsTotal, 'Seconds viewers spent stalled (waiting for data while playing).');
  const stalls = counter(metricNames.viewerStallsTotal, 'Stalls viewers saw.');
  const errors = counter(metricNames.viewerErrorsTotal, 'Playback errors viewers reported.');
  const received = counter(metricNames.viewerBytesTotal, 'Media bytes viewers received, by source (http: from this tier or above; p2p: from other viewers).', ['lesson', 'source']);
  const uploaded = counter(metricNames.viewerP2pBytesUpTotal, 'Media bytes viewers sent to other viewers.');
  const finished = new Counter({ name: metricNames.viewingSessionsFinishedTotal, help: 'Viewing sessions that ended (the page left or went silent).', registers: [register] });
  const reports = new Counter({ name: metricNames.qoeReportsTotal, help: 'Player reports received, by outcome.', labelNames: ['outcome'], registers: [register] });
  const perLesson = [playing, stalled, stalls, errors, uploaded];

  return {
    added(lessonId, { added, startupMs }) {
      const lesson = { lesson: labelOf(lessonId) };
      playing.inc(lesson, added.playingSeconds);
      stalled.inc(lesson, added.stalledSeconds);
      stalls.inc(lesson, added.stallCount);
      errors.inc(lesson, added.errors);
      uploaded.inc(lesson, added.p2pBytesUp);
      received.inc({ ...lesson, source: 'http' }, added.httpBytes);
      received.inc({ ...lesson, source: 'p2p' }, added.p2pBytesDown);
      if (startupMs !== null) startup.observe(lesson, startupMs / 1000);
    },
    outcome: (outcome) => reports.inc({ outcome }),
    sessionsFinished: (count) => finished.inc(count),
    forget(label) {
      const lesson = { lesson: label };
      for (const metric of perLesson) metric.remove(lesson);
      startup.remove(lesson);
      received.remove({ ...lesson, source: 'http' });
      received.remove({ ...lesson, source: 'p2p' });
    },
  };
}
