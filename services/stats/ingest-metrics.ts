// An ingest node's figures per live lesson, read when scraped, from this process's memory: what the
// encoder sends (bitrate, fps, keyframe interval, picture size, as encoder-meter.ts measures it),
// how its transcoder keeps up (ffmpeg's speed, frames dropped and duplicated, from transcoder.ts;
// renditions shed for want of CPU; what its pictures cost),
// how often the lesson's encoder run restarted (reconnects and transcoder restarts), and what the
// packager published (segments per rendition, their durations, the age of the newest one). Only
// lessons this node carries and that have not ended get a `lesson` label, so the series end with
// the lesson. A lesson that is not public is labelled by its classroom instead (lesson-label.ts).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LiveLesson } from '../ingest/lessons.ts';
import { rtmpRefusalReasons, rtmpRefusalTotals } from '../ingest/rtmp-refusals.ts';
import { encoderFigures, lessonTranscoding, type EncoderFigures } from '../ingest/live-figures.ts';
import { lessonLabel } from './lesson-label.ts';
import { metricNames, type MetricName } from './metric-names.ts';

export type IngestMetricsSource = {
  lessons: () => LiveLesson[];
};

export function registerIngestMetrics(register: Registry, source: IngestMetricsSource): void {
  const liveLessons = () => source.lessons().filter((lesson) => lesson.state !== 'ended');

  const encoderGauge = (name: MetricName, help: string, field: keyof EncoderFigures) =>
    new Gauge({
      name,
      help,
      labelNames: ['lesson'],
      registers: [register],
      collect() {
        this.reset();
        for (const lesson of liveLessons()) {
          const value = encoderFigures(lesson.classroomId)?.[field];
          if (value !== null && value !== undefined) this.set({ lesson: lessonLabel(lesson) }, value);
        }
      },
    });
  encoderGauge(metricNames.ingestInputBitrateKbps, 'Bitrate the encoder sends (FLV bytes, audio and video), over the last 5 s.', 'bitrateKbps');
  encoderGauge(metricNames.ingestInputFps, 'Video frames per second the encoder sends, over the last 5 s.', 'fps');
  encoderGauge(metricNames.ingestKeyframeIntervalSeconds, 'Seconds between the last two keyframes the encoder sent (its GOP); segments cannot be shorter.', 'keyframeIntervalSeconds');
  encoderGauge(metricNames.ingestInputWidth, 'Width of the encoder picture in pixels.', 'width');
  encoderGauge(metricNames.ingestInputHeight, 'Height of the encoder picture in pixels.', 'height');

  new Gauge({
    name: metricNames.transcoderSpeed,
    help: "ffmpeg's speed against real time for the lesson's running transcoder: about 1 when it keeps up with the encoder, under 1 when it falls behind.",
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const lesson of liveLessons()) {
        const speed = lessonTranscoding(lesson.dir)?.speed;
        if (speed !== null && speed !== undefined) this.set({ lesson: lessonLabel(lesson) }, speed);
      }
    },
  });
  new Gauge({
    name: metricNames.lessonPicturesCpuSeconds,
    help: "CPU seconds the lesson's poster and seek-bar thumbnails have cost so far (ffmpeg's own count, services/pictures/); the budget is 3 % of a core, 1.8 s a minute.",
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const lesson of liveLessons()) {
        if (lesson.encoders) this.set({ lesson: lessonLabel(lesson) }, lesson.encoders.pictures.cpuSeconds());
      }
    },
  });
  new Gauge({
    name: metricNames.ingestRenditionsShed,
    help: "Renditions of the lesson's ladder shed now because the node is short of CPU (rendition-shedding.ts); 0 when the whole ladder is encoded.",
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const lesson of liveLessons()) {
        const transcoding = lessonTranscoding(lesson.dir);
        if (transcoding) this.set({ lesson: lessonLabel(lesson) }, transcoding.renditionsShed);
      }
    },
  });
  const frameCounter = (name: MetricName, help: string, field: 'droppedFrames' | 'duplicatedFrames') =>
    new Counter({
      name,
      help,
      labelNames: ['lesson'],
      registers: [register],
      collect() {
        this.reset();
        for (const lesson of liveLessons()) {
          const transcoding = lessonTranscoding(lesson.dir);
          if (transcoding) this.inc({ lesson: lessonLabel(lesson) }, transcoding[field]);
        }
      },
    });
  frameCounter(metricNames.transcoderDroppedFramesTotal, "Frames ffmpeg dropped to hold the ladder's frame rate (a source faster than the rendition, or a transcoder behind), over the lesson's runs.", 'droppedFrames');
  frameCounter(metricNames.transcoderDuplicatedFramesTotal, "Frames ffmpeg duplicated to hold the ladder's frame rate (a source slower than the rendition, or gaps in it), over the lesson's runs.", 'duplicatedFrames');

  new Gauge({
    name: metricNames.ingestLiveLessons,
    help: 'Lessons this node carries that have not ended, by state.',
    labelNames: ['state'],
    registers: [register],
    collect() {
      this.reset();
      for (const state of ['starting', 'live', 'reconnecting'] as const) this.set({ state }, liveLessons().filter((lesson) => lesson.state === state).length);
    },
  });
  new Counter({
    name: metricNames.rtmpRefusalsTotal,
    help: 'RTMP connections refused or closed for hostile or broken input, by reason (services/ingest/rtmp-refusals.ts).',
    labelNames: ['reason'],
    registers: [register],
    collect() {
      this.reset();
      const totals = rtmpRefusalTotals();
      for (const reason of rtmpRefusalReasons) this.inc({ reason }, totals[reason]);
    },
  });
  new Counter({
    name: metricNames.ingestReconnectsTotal,
    help: 'Encoder runs of the lesson after its first: encoder reconnects and transcoder restarts.',
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const lesson of liveLessons()) this.inc({ lesson: lessonLabel(lesson) }, lesson.restarts);
    },
  });
  new Counter({
    name: metricNames.packagerSegmentsTotal,
    help: 'Segments the packager published, by lesson and rendition.',
    labelNames: ['lesson', 'rendition'],
    registers: [register],
    collect() {
      this.reset();
      for (const lesson of liveLessons()) {
        const packager = lesson.packager;
        if (!packager) continue;
        for (const rendition of packager.renditions()) this.inc({ lesson: lessonLabel(lesson), rendition }, packager.segments(rendition).length);
      }
    },
  });
  new Gauge({
    name: metricNames.packagerLagSeconds,
    help: 'Seconds since the lesson last published a segment: about one segment while healthy, growing when the transcoder stalls.',
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      const now = Date.now();
      for (const lesson of liveLessons()) {
        const last = lesson.packager?.lastSegmentAt() ?? 0;
        if (last > 0) this.set({ lesson: lessonLabel(lesson) }, (now - last) / 1000);
      }
    },
  });
  // Durations are observed as the scrape finds new segments: each segment once, by rendition only
  // (a lesson label would multiply the buckets by every live lesson).
  const observed = new Map<string, number>();
  new Histogram({
    name: metricNames.packagerSegmentDurationSeconds,
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

