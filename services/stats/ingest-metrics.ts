// An ingest node's figures per live lesson, read when scraped: what the encoder sends (bitrate, fps,
// picture size, as encoder-meter.ts measured it for the catalog's encoder status), how often the
// lesson's encoder run restarted (reconnects and transcoder restarts), and what the packager
// published (segments per rendition, their durations, the age of the newest one). Only lessons this
// node carries and that have not ended get a `lesson` label, so the series end with the lesson.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Queryable } from '../catalog/db/database.ts';
import type { Lesson } from '../ingest/lessons.ts';

export type IngestMetricsSource = {
  lessons: () => Lesson[];
  /** The catalog the encoder status is written to, and this node's id there. */
  db: Queryable;
  node: string;
};

type EncoderRow = { lesson_id: string; bitrate_kbps: number | null; fps: number | null; width: number | null; height: number | null };

/** One read of the catalog per scrape, however many gauges ask. */
const encoderReadMs = 1000;

export function registerIngestMetrics(register: Registry, source: IngestMetricsSource): void {
  const liveLessons = () => source.lessons().filter((lesson) => lesson.state !== 'ended');

  let encoderRead: { at: number; rows: Promise<Map<string, EncoderRow>> } | undefined;
  const encoders = (): Promise<Map<string, EncoderRow>> => {
    if (encoderRead && Date.now() - encoderRead.at < encoderReadMs) return encoderRead.rows;
    const rows = source.db
      .query<EncoderRow>('select lesson_id, bitrate_kbps, fps, width, height from encoder_status where ingest_node = $1 and connected and lesson_id is not null', [source.node])
      .then((found) => new Map(found.map((row) => [row.lesson_id, row])))
      // A catalog that does not answer leaves the encoder gauges empty for this scrape, not /metrics failing.
      .catch(() => new Map<string, EncoderRow>());
    encoderRead = { at: Date.now(), rows };
    return rows;
  };
  const encoderGauge = (name: string, help: string, field: Exclude<keyof EncoderRow, 'lesson_id'>) =>
    new Gauge({
      name,
      help,
      labelNames: ['lesson'],
      registers: [register],
      async collect() {
        this.reset();
        const rows = await encoders();
        for (const lesson of liveLessons()) {
          const value = rows.get(lesson.id)?.[field];
          if (value !== null && value !== undefined) this.set({ lesson: lesson.id }, Number(value));
        }
      },
    });
  encoderGauge('classcast_ingest_input_bitrate_kbps', 'Bitrate the encoder sends (FLV bytes, audio and video), over the last few seconds.', 'bitrate_kbps');
  encoderGauge('classcast_ingest_input_fps', 'Video frames per second the encoder sends, over the last few seconds.', 'fps');
  encoderGauge('classcast_ingest_input_width', 'Width of the encoder picture in pixels.', 'width');
  encoderGauge('classcast_ingest_input_height', 'Height of the encoder picture in pixels.', 'height');

  new Gauge({
    name: 'classcast_ingest_live_lessons',
    help: 'Lessons this node carries that have not ended, by state.',
    labelNames: ['state'],
    registers: [register],
    collect() {
      this.reset();
      for (const state of ['starting', 'live', 'reconnecting'] as const) this.set({ state }, liveLessons().filter((lesson) => lesson.state === state).length);
    },
  });
  new Counter({
    name: 'classcast_ingest_reconnects_total',
    help: 'Encoder runs of the lesson after its first: encoder reconnects and transcoder restarts.',
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const lesson of liveLessons()) this.inc({ lesson: lesson.id }, Math.max(0, lesson.runs - 1));
    },
  });
  new Counter({
    name: 'classcast_packager_segments_total',
    help: 'Segments the packager published, by lesson and rendition.',
    labelNames: ['lesson', 'rendition'],
    registers: [register],
    collect() {
      this.reset();
      for (const lesson of liveLessons()) {
        const packager = lesson.packager;
        if (!packager) continue;
        for (const rendition of packager.renditions()) this.inc({ lesson: lesson.id, rendition }, packager.segments(rendition).length);
      }
    },
  });
  new Gauge({
    name: 'classcast_packager_lag_seconds',
    help: 'Seconds since the lesson last published a segment: about one segment while healthy, growing when the transcoder stalls.',
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      const now = Date.now();
      for (const lesson of liveLessons()) {
        const last = lesson.packager?.lastSegmentAt() ?? 0;
        if (last > 0) this.set({ lesson: lesson.id }, (now - last) / 1000);
      }
    },
  });
  // Durations are observed as the scrape finds new segments: each segment once, by rendition only
  // (a lesson label would multiply the buckets by every live lesson).
  const observed = new Map<string, number>();
  new Histogram({
    name: 'classcast_packager_segment_duration_seconds',
    help: 'Durations of published segments, by rendition.',
    labelNames: ['rendition'],
    buckets: [0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8],
    registers: [register],
    collect() {
      const seen = new Set<string>();
      for (const lesson of liveLessons()) {
        const packager = lesson.packager;
        if (!packager) continue;
        for (const rendition of packager.renditions()) {
          const key = `${lesson.id}/${rendition}`;
          seen.add(key);
          const segments = packager.segments(rendition);
          for (const segment of segments.slice(observed.get(key) ?? 0)) this.observe({ rendition }, segment.duration);
          observed.set(key, segments.length);
        }
      }
      for (const key of observed.keys()) if (!seen.has(key)) observed.delete(key);
    },
  });
}
