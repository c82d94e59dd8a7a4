// The load an ingest node reports with its heartbeat (services/catalog/ingest/node-heartbeat.ts),
// for the catalog to assign classrooms to the least loaded node and the dashboard to show who sheds:
// the busy share of its CPU (node-cpu.ts) and the renditions its lessons shed now for want of CPU
// (live-figures.ts, summed over the lessons that have not ended).
import type { LiveLesson } from './lessons.ts';
import { lessonTranscoding } from './live-figures.ts';
import { nodeIdleShare } from './node-cpu.ts';

export type IngestLoad = { cpuBusy: number; renditionsShed: number };

export function ingestLoad(lessons: () => readonly LiveLesson[]): IngestLoad {
  let renditionsShed = 0;
  for (const lesson of lessons()) if (lesson.state !== 'ended') renditionsShed += lessonTranscoding(lesson.dir)?.renditionsShed ?? 0;
  return { cpuBusy: Math.min(1, Math.max(0, 1 - nodeIdleShare())), renditionsShed };
}
