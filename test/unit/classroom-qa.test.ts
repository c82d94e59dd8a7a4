// The live classroom's pure parts: the feed viewers read (hidden items never in it, time into the
// lesson), replay moments, the panels' order, the post buckets, and the relay's check of a feed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQaFeed, consoleItems, replayMoments } from '../../services/catalog/qa/qa-feed.ts';
import { createPostLimits } from '../../services/catalog/qa/post-limits.ts';
import type { QaItemRecord } from '../../services/catalog/queries/qa.ts';
import { defaultQaSettings } from '../../services/catalog/queries/qa.ts';
import { checkObject } from '../../services/relay/object-check.ts';
import { parseMediaRequest } from '../../services/media-http/media-request.ts';
import { cacheControlFor } from '../../services/media-http/cache-policy.ts';
import { currentMoment, lessonClock, qaSections } from '../../player/src/qa/qa-order.ts';

const wentLive = new Date('2026-12-07T08:00:00Z');
const item = (id: number, fields: Partial<QaItemRecord> = {}): QaItemRecord => ({
  id,
  lessonId: 'lesson-1',
  kind: 'question',
  body: `item ${id}`,
  authorName: 'Amy',
  authorKey: 'account:1',
  accountId: 1,
  votes: 0,
  createdAt: new Date(wentLive.getTime() + id * 60_000),
  pinnedAt: null,
  answeredAt: null,
  answer: null,
  hiddenAt: null,
  ...fields,
});

test('the feed leaves hidden items out and gives each its time into the lesson', () => {
  const feed = buildQaFeed('lesson-1', defaultQaSettings, [item(1), item(2, { hiddenAt: new Date() }), item(3, { kind: 'comment' })], wentLive, new Date('2026-12-07T09:00:00Z'));
  assert.deepEqual(feed.items.map((entry) => [entry.id, entry.atSeconds]), [[1, 60], [3, 180]]);
  assert.equal(buildQaFeed('lesson-1', defaultQaSettings, [item(1)], null, new Date()).items[0]!.atSeconds, null, 'before the lesson went live');
});

test("the console sees hidden items and whose author is muted", () => {
  const shown = consoleItems([item(1, { hiddenAt: new Date() }), item(2, { authorKey: 'address:10.0.0.1' })], wentLive, new Set(['address:10.0.0.1']));
  assert.deepEqual(shown.map((entry) => [entry.id, entry.hidden, entry.authorMuted]), [[1, true, false], [2, false, true]]);
});

test('a replay keeps pinned and answered items inside the recording, at their time into it', () => {
  const recordingStart = new Date(wentLive.getTime() + 90_000);
  const moments = replayMoments([item(1, { pinnedAt: new Date() }), item(2, { answeredAt: new Date() }), item(3), item(4, { pinnedAt: new Date(), hiddenAt: new Date() }), item(9, { answeredAt: new Date() })], recordingStart, new Date(wentLive.getTime() + 5 * 60_000));
  assert.deepEqual(moments.map((moment) => [moment.id, moment.atSeconds]), [[1, 0], [2, 30]]);
});

test('panels show pins first, questions by votes or newest, comments newest first', () => {
  const items = buildQaFeed('l', defaultQaSettings, [item(1, { votes: 2 }), item(2, { votes: 5 }), item(3, { votes: 2 }), item(4, { pinnedAt: new Date() }), item(5, { kind: 'comment' }), item(6, { kind: 'comment' })], wentLive, new Date()).items;
  const byVotes = qaSections(items, 'votes');
  assert.deepEqual([byVotes.pinned, byVotes.questions, byVotes.comments].map((list) => list.map((entry) => entry.id)), [[4], [2, 1, 3], [6, 5]]);
  assert.deepEqual(qaSections(items, 'time').questions.map((entry) => entry.id), [3, 2, 1]);
  assert.equal(lessonClock(75), '1:15');
  assert.equal(lessonClock(3725), '1:02:05');
  assert.equal(currentMoment([{ atSeconds: 10 }, { atSeconds: 40 }], 39)?.atSeconds, 10);
  assert.equal(currentMoment([{ atSeconds: 10 }], 5), undefined);
});

test('post buckets: per viewer first, then per address, then per lesson; they refill', () => {
  const limits = createPostLimits({ perViewer: { burst: 2, perSecond: 1 }, perAddress: { burst: 3, perSecond: 1 }, perLesson: { burst: 4, perSecond: 1 } });
  const take = (viewerKey: string, address: string, at: number, lessonId = 'l') => limits.take({ viewerKey, address, lessonId }, at);
  assert.equal(take('a', '1.1.1.1', 0).ok, true);
  assert.equal(take('a', '1.1.1.1', 0).ok, true);
  assert.deepEqual(take('a', '1.1.1.1', 0), { ok: false, scope: 'viewer', retryAfterSeconds: 1 });
  assert.equal(take('b', '1.1.1.1', 0).ok, true);
  assert.deepEqual(take('c', '1.1.1.1', 0), { ok: false, scope: 'address', retryAfterSeconds: 1 });
  assert.equal(take('d', '2.2.2.2', 0).ok, true);
  assert.deepEqual(take('e', '3.3.3.3', 0), { ok: false, scope: 'lesson', retryAfterSeconds: 1 });
  assert.equal(take('e', '3.3.3.3', 0, 'other').ok, true, 'another lesson has its own bucket');
  assert.equal(take('a', '1.1.1.1', 5000).ok, true, 'refilled');
});

test('qa.json is a live lesson file, fresh for a second, that a relay checks as a feed', () => {
  const media = parseMediaRequest(['lesson-1', 'qa.json'], 'live');
  assert.ok(!('status' in media) && media.kind === 'qa-feed');
  assert.ok('status' in parseMediaRequest(['rec-1', 'qa.json'], 'vod'), 'not under /vod');
  assert.ok('status' in parseMediaRequest(['lesson-1', '720p', 'qa.json'], 'live'), 'not in a rendition');
  assert.equal(cacheControlFor('qa-feed', 4, false), 'public, max-age=1');
  assert.deepEqual(checkObject('qa-feed', Buffer.from('{"items":[]}')), { ok: true });
  assert.equal(checkObject('qa-feed', Buffer.from('<html>error</html>')).ok, false);
  assert.equal(checkObject('qa-feed', Buffer.from('{"lesson":"x"}')).ok, false);
});
