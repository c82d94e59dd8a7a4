// What a classroom's encoder is doing, written into the catalog by the ingest node carrying it, so
// the school page can show it whichever process serves the page: written on connect, every few
// seconds while connected (bitrate, fps, picture size), and once more on disconnect.
import type { Logger } from '../../core/log.ts';
import type { Queryable } from '../db/database.ts';
import type { KeyKind } from './key-directory.ts';
import type { EncoderSent } from '../../ingest/encoder-sent.ts';
import { encoderReportSeconds, type EncoderSample } from '../../ingest/catalog-port.ts';

export type EncoderStatus = {
  classroomId: string;
  ingestNode: string;
  lessonId: string | null;
  connected: boolean;
  remoteAddress: string | null;
  keyKind: KeyKind | null;
  bitrateKbps: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  /**
   * Why the source cannot be served as it is sent, with the fix in words (source-fitness.ts), for
   * the school page; null while it is fit or not yet judged.
   */
  advice: string | null;
  /** What it sends on its own clock (frame rate, video bitrate, keyframe interval, audio), for the school page's live check; null until measured. */
  sent: EncoderSent | null;
};

export async function writeEncoderStatus(db: Queryable, status: EncoderStatus): Promise<void> {
  await db.query(
    `insert into encoder_status (classroom_id, ingest_node, lesson_id, connected, remote_address, key_kind, bitrate_kbps, fps, width, height, advice, sent, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())
     on conflict (classroom_id) do update set
       ingest_node = excluded.ingest_node, lesson_id = excluded.lesson_id, connected = excluded.connected,
       remote_address = excluded.remote_address, key_kind = excluded.key_kind, bitrate_kbps = excluded.bitrate_kbps,
       fps = excluded.fps, width = excluded.width, height = excluded.height, advice = excluded.advice, sent = excluded.sent, updated_at = now()`,
    [status.classroomId, status.ingestNode, status.lessonId, status.connected, status.remoteAddress, status.keyKind, status.bitrateKbps, status.fps, status.width, status.height, status.advice, status.sent === null ? null : JSON.stringify(status.sent)],
  );
}

/** Encoders this node's catalog rows still call connected though the node is just starting (it crashed). */
export async function disconnectNodeEncoders(db: Queryable, ingestNode: string): Promise<void> {
  await db.query('update encoder_status set connected = false, updated_at = now() where ingest_node = $1 and connected', [ingestNode]);
}

export type EncoderReporter = {
  /**
   * Adds facts learnt later (the lesson, the picture size, the advice on a source unfit to serve as
   * sent) and writes them at once; the key kind and address change when a classroom's lesson moves
   * between its primary and backup encoders.
   */
  update(fields: Partial<Pick<EncoderStatus, 'lessonId' | 'width' | 'height' | 'keyKind' | 'remoteAddress' | 'advice'>>): void;
  /** Writes the disconnect and stops reporting; resolves when the write is done. Safe to call again. */
  disconnected(): Promise<void>;
};

/**
 * Reports one connected encoder until it disconnects. Writes are queued one after another, so the
 * catalog never sees them out of order; a failed write is logged once until one succeeds again.
 */
export function reportEncoder(
  db: Queryable,
  initial: Omit<EncoderStatus, 'connected' | 'bitrateKbps' | 'fps' | 'advice' | 'sent'>,
  sample: () => EncoderSample,
  log: Logger,
): EncoderReporter {
  // No advice until the source is judged (update): a new connection may bring a fixed encoder.
  let status: EncoderStatus = { ...initial, connected: true, bitrateKbps: null, fps: null, advice: null, sent: null };
  let queue = Promise.resolve();
  let failing = false;
  let gone: Promise<void> | undefined;
  const write = () => {
    const snapshot = { ...status };
    queue = queue.then(async () => {
      try {
        await writeEncoderStatus(db, snapshot);
        failing = false;
      } catch (error) {
        if (!failing) log.warn('encoder status not written to the catalog', { classroom: status.classroomId, error });
        failing = true;
      }
    });
  };
  write();
  const timer = setInterval(() => {
    status = { ...status, ...sample() };
    write();
  }, encoderReportSeconds * 1000);
  timer.unref();
  return {
    update(fields) {
      status = { ...status, ...fields };
      // After the disconnect, later facts are kept for nobody: the row must stay disconnected.
      if (!gone) write();
    },
    disconnected() {
      if (gone) return gone;
      clearInterval(timer);
      status = { ...status, connected: false, bitrateKbps: null, fps: null, sent: null };
      write();
      return (gone = queue);
    },
  };
}
