// What the node's thread and the tracker's thread (tracker-thread.ts, tracker-worker.ts) say to each other.
import type { LogFields, LogLevel } from '../core/log.ts';
import type { PlaybackSettings } from '../core/config/playback-settings.ts';
import type { CarriedLesson, TrackerSettings, TrackerStats } from './tracker-server.ts';

/** The header carrying the viewer's address from the parent to the tracker thread, with the thread's secret before it. */
export const clientHeader = 'x-classcast-tracker-client';

export type TrackerThreadData = {
  settings: Partial<TrackerSettings>;
  playback?: PlaybackSettings;
  logLevel: LogLevel;
  /** Proves an upgrade came through the parent (which strips the header from what viewers send). */
  secret: string;
};

/** `lessons` when they changed (pushed a few times a second, or in answer to want-lessons); `lessons-unchanged` answers want-lessons otherwise. */
export type ToTracker = { type: 'lessons'; lessons: CarriedLesson[] } | { type: 'lessons-unchanged' } | { type: 'close' };

export type FromTracker =
  | { type: 'listening'; port: number }
  | { type: 'stats'; stats: TrackerStats }
  | { type: 'want-lessons' }
  /** The tracker stopped reading the connection from this port of the parent's: the parent stops passing the viewer's bytes. */
  | { type: 'shut'; port: number }
  | { type: 'log'; level: LogLevel; event: string; fields: LogFields };
