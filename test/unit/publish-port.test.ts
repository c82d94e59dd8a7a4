// The publish session's questions to the catalog, answered by a hand-written in-memory catalog
// (the point of the ingest's port, services/ingest/catalog-port.ts, is that it can be faked): a
// classroom another node holds is refused before anything is reported; a refusal from the catalog
// ("End lesson now") closes the encoder and leaves no lesson; a lesson taken over from a node that
// went down opens with its numbering above that node's and its visibility guarded, and a publish
// that then brings no media gives it back. No RTMP, no ffmpeg, no database: the encoders are fakes
// that never send a keyframe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../services/core/config/schema.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { PublishRefusal, type CatalogPort, type EncoderFacts, type PlannedLesson, type TakenOverLesson } from '../../services/ingest/catalog-port.ts';
import type { ClassroomFeed, ClassroomFeeds } from '../../services/ingest/classroom-feeds.ts';
import type { DiskGuard, DiskState } from '../../services/ingest/disk-guard.ts';
import { createLessonRegistry } from '../../services/ingest/lessons.ts';
import { runPublishSession } from '../../services/ingest/publish-session.ts';
import { createRefusalCounter } from '../../services/ingest/rtmp-refusals.ts';
import { nothingSent } from '../../services/ingest/encoder-sent.ts';
import { takeoverNumbering } from '../../services/ingest/takeover-numbering.ts';
import { waitFor } from '../helpers/wait-for.ts';

setLogLevel('error');
const log = createLogger({ test: 'publish-port' });
const config = configSchema.parse({ node: { id: 'node-a' } });

/** What the fake catalog was asked, in order, and what it answers. */
type FakeCatalog = CatalogPort & { asked: string[]; reported: Array<Partial<EncoderFacts> | 'disconnected'> };

function fakeCatalog(answers: { admitted: boolean; takenOver?: TakenOverLesson; planned?: PlannedLesson | PublishRefusal }): FakeCatalog {
  const asked: string[] = [];
  const reported: FakeCatalog['reported'] = [];
  const unused = (name: string) => () => Promise.reject(new Error(`the publish session should not ask ${name}`));
  return {
    asked,
    reported,
    ensureClassrooms: unused('ensureClassrooms'),
    openKeyDirectory: unused('openKeyDirectory'),
    async admitClassroom(classroomId, node) {
      asked.push(`admit ${classroomId} on ${node}`);
      return answers.admitted ? { admitted: true, previous: null } : { admitted: false, holder: { id: 'node-b', rtmpUrl: 'rtmp://node-b/live' } };
    },
    async takeOverLesson(classroomId, node) {
      asked.push(`take over ${classroomId} on ${node}`);
      return answers.takenOver;
    },
    async lessonForPublish(classroomId) {
      asked.push(`lesson for ${classroomId}`);
      if (answers.planned instanceof PublishRefusal) throw answers.planned;
      if (!answers.planned) throw new Error('no lesson planned');
      return answers.planned;
    },
    markLive: unused('markLive'),
    markTakenOver: unused('markTakenOver'),
    endLessonHere: unused('endLessonHere'),
    async abandonLesson(lessonId) {
      asked.push(`abandon ${lessonId}`);
    },
    openDefaultRecording: unused('openDefaultRecording'),
    finishRecordings: unused('finishRecordings'),
    reportEncoder(facts) {
      reported.push(facts);
      return { update: (fields) => void reported.push(fields), disconnected: async () => void reported.push('disconnected') };
    },
    disconnectNodeEncoders: unused('disconnectNodeEncoders'),
    endRequestedAmong: unused('endRequestedAmong'),
    orphanedLessons: unused('orphanedLessons'),
  };
}

/** One encoder on the classroom's primary key that never sends a keyframe, and leaves when closed. */
function fakeFeeds(classroomId: string): ClassroomFeeds & { closed: () => boolean } {
  const gone: Array<(feed: ClassroomFeed) => void> = [];
  let wake = () => {};
  let change = new Promise<void>((resolve) => (wake = resolve));
  const feed = {
    kind: 'primary',
    publisher: { remoteAddress: '192.0.2.7', close: () => feeds.closeAll() },
    meter: () => ({ bitrateKbps: 0, fps: 0, sent: nothingSent }),
    closed: false,
  } as unknown as ClassroomFeed;
  const feeds: ClassroomFeeds & { closed: () => boolean } = {
    classroomId,
    add: () => 'one encoder only',
    has: (kind) => kind === 'primary' && !feed.closed,
    get: (kind) => (kind === 'primary' && !feed.closed ? feed : undefined),
    list: () => (feed.closed ? [] : [feed]),
    isEmpty: () => feed.closed,
    health: () => [],
    nextChange: () => change,
    onGone: (listener) => void gone.push(listener),
    closeAll() {
      if (feed.closed) return;
      feed.closed = true;
      for (const listener of gone) listener(feed);
      wake();
      change = new Promise<void>((resolve) => (wake = resolve));
    },
    closed: () => feed.closed,
  };
  return feeds;
}

const diskOk: DiskState = { ok: true, freeBytes: 1e12, totalBytes: 2e12, minFreeBytes: 1e9, checkedAt: 0 };
const disk: DiskGuard = { state: () => diskOk, check: async () => diskOk, close: () => {} };

function context(catalog: CatalogPort) {
  const lessons = createLessonRegistry({
    liveDir: '/nonexistent/live',
    graceSeconds: 60,
    log,
    lifecycle: {
      live: async () => {},
      ended: async () => {},
      abandoned: (lesson) => catalog.abandonLesson(lesson.id),
    },
  });
  const refusals = createRefusalCounter();
  return { config, catalog, lessons, liveDir: '/nonexistent/live', ffmpegPath: 'ffmpeg', disk, log, refusals };
}

test('a classroom another node holds is refused before its encoder is reported', async () => {
  const catalog = fakeCatalog({ admitted: false });
  const feeds = fakeFeeds('room-1');
  const session = context(catalog);
  await runPublishSession(feeds, session);
  assert.deepEqual(catalog.asked, ['admit room-1 on node-a']);
  assert.deepEqual(catalog.reported, [], 'the encoder status belongs to the node carrying the classroom');
  assert.equal(feeds.closed(), true);
  assert.equal(session.refusals.counts()['assigned-elsewhere'], 1);
  assert.deepEqual(session.lessons.list(), []);
});

test('a refusal from the catalog closes the encoder, is counted, and leaves no lesson', async () => {
  const catalog = fakeCatalog({ admitted: true, planned: new PublishRefusal('lesson x was ended with "End lesson now"') });
  const feeds = fakeFeeds('room-2');
  const session = context(catalog);
  await runPublishSession(feeds, session);
  assert.deepEqual(catalog.asked, ['admit room-2 on node-a', 'take over room-2 on node-a', 'lesson for room-2']);
  assert.equal(feeds.closed(), true);
  assert.equal(session.refusals.counts()['lesson-ended'], 1);
  assert.equal(catalog.reported.at(-1), 'disconnected');
  assert.deepEqual(session.lessons.list(), []);
});

test('a lesson taken over from a node that went down opens above its numbers, guarded, and is given back when no media comes', async () => {
  const takenOver: TakenOverLesson = { id: 'room-3-20261207-090000', title: 'Physics', latencyMode: 'low', adHoc: false, visibility: 'school', from: 'node-b', liveSeconds: 30 };
  const catalog = fakeCatalog({ admitted: true, takenOver });
  const feeds = fakeFeeds('room-3');
  const session = context(catalog);
  const running = runPublishSession(feeds, session);
  const lesson = await waitFor('the taken-over lesson to open', () => session.lessons.get(takenOver.id), 20_000, 5);
  const numbering = takeoverNumbering(30, 1);
  assert.equal(lesson.firstSequence, numbering.firstSequence);
  assert.equal(lesson.runsBefore, numbering.runsBefore);
  assert.equal(lesson.protected, true, 'a school lesson needs a playback token');
  assert.equal(lesson.segmentSeconds, 1, 'low latency: 1 s segments');
  // The encoder leaves before its first keyframe: the publish produced nothing.
  feeds.closeAll();
  await running;
  assert.deepEqual(catalog.asked, ['admit room-3 on node-a', 'take over room-3 on node-a', `abandon ${takenOver.id}`]);
  assert.ok(catalog.reported.some((fields) => fields !== 'disconnected' && fields.lessonId === takenOver.id), 'the encoder status names the lesson');
  assert.equal(catalog.reported.at(-1), 'disconnected');
  assert.equal(session.lessons.get(takenOver.id), undefined, 'a lesson that never had media is forgotten');
});
