// A lesson's recordings as ingest drives them: the default recording opens when the lesson goes
// live (from its scheduled start, if the encoder pushed early: a test push before the lesson is not
// recorded), and when the lesson ends every recording is stopped and made into its replay from the
// segments on this node's disk. Reconnects inside the grace period are the same lesson, so they
// stay in the same recording. Whether the default recording opens at all follows the lesson's
// recording switch (its own, else its school's); a recording started by hand does not ask.
import type { Logger } from '../../core/log.ts';
import { EmptyRecordingError, writeReplay } from '../../replay/replay-writer.ts';
import type { Queryable } from '../db/database.ts';
import { recordEffectiveSql } from '../queries/lessons.ts';
import { deleteRecordingRow, markRecordingFailed, markRecordingReady, openRecording, recordingsToFinish } from '../queries/recordings.ts';

/** Opens the lesson's default recording and returns its id; undefined when the lesson's recording switch is off. */
/** `mediaFrom`: when the lesson's first media arrived at the ingest (its recording starts there, not when the catalog heard). */
export async function openDefaultRecording(db: Queryable, lessonId: string, mediaFrom?: Date): Promise<string | undefined> {
  const lesson = (
    await db.query<{ starts_at: Date | string; ad_hoc: boolean; record_effective: boolean }>(
      `select l.starts_at, l.ad_hoc, ${recordEffectiveSql} as record_effective
         from lessons l join classrooms r on r.id = l.classroom_id left join schools s on s.id = r.school_id where l.id = $1`,
      [lessonId],
    )
  )[0];
  if (!lesson) throw new Error(`lesson ${lessonId} is not in the catalog`);
  if (!lesson.record_effective) return undefined;
  return openRecording(db, lessonId, { manual: false, ...(lesson.ad_hoc ? {} : { startsAt: new Date(lesson.starts_at) }), ...(mediaFrom ? { from: mediaFrom } : {}) });
}

export type FinishOptions = { lessonId: string; lessonDir: string; vodDir: string; log: Logger };

/**
 * Makes each of the ended lesson's stopped recordings a replay. An automatic recording that holds no
 * media (the lesson ended before its scheduled start) is removed; a manual one is kept as failed,
 * so whoever started it sees why there is no replay.
 */
export async function finishRecordings(db: Queryable, options: FinishOptions): Promise<void> {
  for (const recording of await recordingsToFinish(db, options.lessonId)) {
    try {
      const summary = await writeReplay({
        lessonDir: options.lessonDir,
        vodDir: options.vodDir,
        recordingId: recording.id,
        range: { startedAt: recording.startedAt.getTime(), endedAt: recording.endedAt.getTime() },
        protected: recording.protected,
      });
      await markRecordingReady(db, recording.id, summary);
      options.log.info('replay ready', { lesson: options.lessonId, recording: recording.id, durationSeconds: Math.round(summary.durationSeconds), segments: summary.segmentCount });
    } catch (error) {
      if (error instanceof EmptyRecordingError && !recording.manual) {
        await deleteRecordingRow(db, recording.id);
        continue;
      }
      options.log.error('recording not made into a replay', { lesson: options.lessonId, recording: recording.id, error });
      await markRecordingFailed(db, recording.id, (error as Error).message);
    }
  }
}
