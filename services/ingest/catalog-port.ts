// Everything the ingest asks of the catalog, declared here by the ingest in its own terms, the way
// MediaMTX's servers declare the narrow interfaces they consume: which classroom a stream key opens,
// whether this node may carry a classroom, which lesson a publish carries, the lesson's life
// (live, taken over, ended, abandoned), its recordings, the encoder's status, "End lesson now"
// requests and the lessons a crashed run of this node left open. The catalog implements it
// (services/catalog/ingest/ingest-port.ts, from its database); the roles wire the two
// (services/roles/ingest.ts). Nothing under services/ingest imports the catalog, so the ingest can
// be read, and its publish decisions tested, with the catalog faked (test/unit/publish-port.test.ts).
import type { Classroom, LatencyMode } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import type { EncoderSent } from './encoder-sent.ts';
import type { TakeoverNumbering } from './takeover-numbering.ts';

export type KeyKind = 'primary' | 'backup';
export type KeyMatch = { classroomId: string; keyKind: KeyKind };

/** Stream keys, answered from memory so RTMP's prePublish never waits on the catalog. */
export type KeyDirectory = {
  classroomFor(streamKey: string): KeyMatch | undefined;
  /** Reloads the keys now; rejects if the catalog fails. */
  refreshNow(): Promise<void>;
  /** Stops keeping them fresh. */
  close(): void;
};

/** Who may watch a lesson: the ingest only guards the files of one that is not public (playback-guard.ts). */
export type Visibility = 'public' | 'school' | 'protected';

/** May this node carry the classroom? If not, the node that holds it and is up. */
export type Admission = { admitted: true; previous: string | null } | { admitted: false; holder: { id: string; rtmpUrl: string } };

/** The lesson a publish carries, as the catalog hands it over (taken there: live in the catalog already). */
export type PlannedLesson = {
  id: string;
  title: string;
  latencyMode: LatencyMode;
  adHoc: boolean;
  visibility: Visibility;
  /** A scheduled lesson that had ended and goes live again: its numbering starts above everything it published (takeover-numbering.ts). */
  takeover?: TakeoverNumbering;
};

/** A lesson continued from an ingest node that went down, with that node and how long ago the lesson first went live. */
export type TakenOverLesson = PlannedLesson & { from: string; liveSeconds: number };

/** A lesson a previous process of this node left open (it crashed while carrying it). */
export type OrphanedLesson = { id: string; classroomId: string; title: string; latencyMode: LatencyMode; visibility: Visibility; wentLiveAt: Date | null };

/** A publish the catalog turns away on purpose, with a reason meant for the people at the classroom. */
export class PublishRefusal extends Error {}

/** How often a connected encoder's status is measured and reported (encoder-meter.ts samples at this pace). */
export const encoderReportSeconds = 5;

/** What an encoder sent over the last report interval. */
export type EncoderSample = { bitrateKbps: number; fps: number; sent: EncoderSent };

/** The encoder facts the ingest knows when it connects, and learns later. */
export type EncoderFacts = {
  classroomId: string;
  ingestNode: string;
  lessonId: string | null;
  remoteAddress: string | null;
  keyKind: KeyKind | null;
  width: number | null;
  height: number | null;
  /** Why the source cannot be served as sent, with the fix in words; null while fit or not yet judged. */
  advice: string | null;
};

export type EncoderReporter = {
  /** Adds facts learnt later (the lesson, the picture size, the advice, the encoder now carrying the lesson) and reports them at once. */
  update(fields: Partial<Pick<EncoderFacts, 'lessonId' | 'width' | 'height' | 'keyKind' | 'remoteAddress' | 'advice'>>): void;
  /** Reports the disconnect and stops reporting; resolves when it is written. Safe to call again. */
  disconnected(): Promise<void>;
};

export type CatalogPort = {
  /** Classrooms from the configuration, created in the catalog when missing (the catalog's keys win). */
  ensureClassrooms(classrooms: readonly Classroom[], log: Logger): Promise<void>;
  /** Loads the stream keys (rejecting if the catalog cannot be read), then keeps them fresh every `refreshSeconds`. */
  openKeyDirectory(options: { refreshSeconds: number; log: Logger }): Promise<KeyDirectory>;
  /** Takes the classroom for `node` if it is free or its node is down; throws if the classroom is not in the catalog. */
  admitClassroom(classroomId: string, node: string, downSeconds: number): Promise<Admission>;
  /** The classroom's lesson that a node now down was carrying, taken over by `node`; undefined if there is none. */
  takeOverLesson(classroomId: string, node: string, options: { downSeconds: number; graceSeconds: number }): Promise<TakenOverLesson | undefined>;
  /**
   * The scheduled lesson whose window holds `now` (opened `earlyMinutes` early), else a new ad-hoc
   * one, taken for the publish. Throws PublishRefusal when the classroom's pushes are refused for now.
   */
  lessonForPublish(
    classroomId: string,
    now: Date,
    earlyMinutes: number,
    adHoc: { latencyMode: LatencyMode; taken?: (id: string) => boolean },
  ): Promise<PlannedLesson>;
  /** The lesson's first media is out on `node`. */
  markLive(lessonId: string, node: string): Promise<void>;
  /** The first media of a lesson `node` took over is out: the down node's session and recording end. */
  markTakenOver(lessonId: string, node: string): Promise<void>;
  /** `node` is done with the lesson; it ends unless another node continues it. Returns whether it ended. */
  endLessonHere(lessonId: string, node: string): Promise<boolean>;
  /** A publish took the lesson but produced no media: it goes back to what it was. */
  abandonLesson(lessonId: string): Promise<void>;
  /** Opens the lesson's default recording (if its recording switch is on), from `mediaFrom`. */
  openDefaultRecording(lessonId: string, mediaFrom?: Date): Promise<void>;
  /** Makes the ended lesson's recordings into replays from its folder. */
  finishRecordings(options: { lessonId: string; lessonDir: string; vodDir: string; log: Logger }): Promise<void>;
  /** Reports one connected encoder's status, sampled every encoderReportSeconds, until it disconnects. */
  reportEncoder(facts: Omit<EncoderFacts, 'advice'>, sample: () => EncoderSample, log: Logger): EncoderReporter;
  /** Encoders the catalog still calls connected on `node`, which is just starting (it crashed). */
  disconnectNodeEncoders(node: string): Promise<void>;
  /** Which of these lessons someone asked to end ("End lesson now"). */
  endRequestedAmong(lessonIds: readonly string[]): Promise<string[]>;
  /** The lessons `node` was carrying when a previous process of it stopped without ending them. */
  orphanedLessons(node: string): Promise<OrphanedLesson[]>;
};

/** Where finished replays go next (the catalog's replay storage): told when a lesson's replays are written. */
export type ReplayHandoff = {
  replaysWritten(): void;
};
