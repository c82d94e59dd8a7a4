// The viewer count a watch page shows, served as /live/<lesson>/viewers.json: the figure the operator
// dashboard uses (the `classcast_viewers` series of every tier it reads, summed per lesson label),
// never a count of its own. The origin answers from one reading every few seconds however many ask,
// and relays cache the document like a live playlist, so a province of viewers costs the origin a
// request per relay, not per viewer. Pure but for the scrape.
import { figureOf } from './lesson-label.ts';
import type { MetricSample } from './prom-text.ts';
import { scrapeMetrics, type MetricsSource } from './scrape-metrics.ts';
import { metricNames } from './metric-names.ts';

/** Viewers per `lesson` label (a lesson's id, or its classroom's placeholder when not public), as read at `at`. */
export type ViewerFigures = { at: number; byLabel: ReadonlyMap<string, number> };

/** The newest figures (null: no tier could be read). */
export type ViewerFiguresSource = () => Promise<ViewerFigures | null>;

/** How long one reading answers every viewers.json request: the document's own cache life. */
export const viewerFiguresMaxAgeSeconds = 5;

/** Sums `classcast_viewers` by lesson label, as the dashboard does (dashboard-figures.ts). */
export function viewerFiguresOf(at: number, samples: readonly MetricSample[]): ViewerFigures {
  const byLabel = new Map<string, number>();
  for (const sample of samples) {
    if (sample.name !== metricNames.viewers || sample.value <= 0) continue;
    const label = sample.labels.lesson ?? 'unknown';
    byLabel.set(label, (byLabel.get(label) ?? 0) + sample.value);
  }
  return { at, byLabel };
}

/** The count for one lesson (0 when nobody watches), found by its id or its classroom's label. */
export function lessonViewerCount(figures: ViewerFigures, lesson: { id: string; classroomId: string }): number {
  return figureOf(figures.byLabel, lesson) ?? 0;
}

/** The viewers.json body. */
export function viewersDocument(figures: ViewerFigures, lesson: { id: string; classroomId: string }): { viewers: number; at: string } {
  return { viewers: lessonViewerCount(figures, lesson), at: new Date(figures.at).toISOString() };
}

/**
 * Figures from the tiers' /metrics (for a node without a dashboard): read at most once per
 * `maxAgeMs`, one reading at a time however many requests wait for it.
 */
export function scrapedViewerFigures(sources: readonly MetricsSource[], timeoutMs = 3000, maxAgeMs = viewerFiguresMaxAgeSeconds * 1000, now: () => number = Date.now): ViewerFiguresSource {
  let latest: ViewerFigures | null = null;
  let reading: Promise<ViewerFigures | null> | undefined;
  const read = async (): Promise<ViewerFigures | null> => {
    const at = now();
    const scrapes = await Promise.all(sources.map((source) => scrapeMetrics(source, timeoutMs)));
    if (!scrapes.some((scrape) => scrape.ok)) return null;
    return viewerFiguresOf(at, scrapes.flatMap((scrape) => (scrape.ok ? scrape.samples : [])));
  };
  return async () => {
    if (latest && now() - latest.at < maxAgeMs) return latest;
    reading ??= read()
      .then((figures) => (latest = figures ?? latest))
      .finally(() => (reading = undefined));
    return reading;
  };
}
