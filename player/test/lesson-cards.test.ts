import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lessonCard, timeAgo } from '../src/lesson-cards.ts';

const lesson = {
  id: 'room-1-20261121-090000',
  classroomId: 'room-1',
  state: 'live' as const,
  latencyMode: 'normal' as const,
  startedAt: '2026-11-21T09:00:00.000Z',
  endedAt: null,
  renditions: ['720p', '480p', '360p'],
  masterUrl: '/live/room-1-20261121-090000/master.m3u8',
  watchUrl: '/watch/room-1-20261121-090000',
};

test('a live lesson links to its watch page and says when it started and in which qualities', () => {
  assert.deepEqual(lessonCard(lesson, new Date('2026-11-21T09:12:30Z')), {
    href: '/watch/room-1-20261121-090000',
    title: 'Classroom room-1',
    detail: 'Started 12 min ago · 720p, 480p, 360p',
    badge: 'Live',
  });
});

test('a lesson whose encoder is reconnecting says so', () => {
  const card = lessonCard({ ...lesson, state: 'reconnecting', renditions: [] }, new Date('2026-11-21T09:00:20Z'));
  assert.equal(card.badge, 'Reconnecting');
  assert.equal(card.detail, 'Started just now');
});

test('start times read naturally', () => {
  const start = new Date('2026-11-21T09:00:00Z');
  const at = (iso: string) => timeAgo(start, new Date(iso));
  assert.equal(at('2026-11-21T08:59:00Z'), 'just now');
  assert.equal(at('2026-11-21T09:00:59Z'), 'just now');
  assert.equal(at('2026-11-21T09:59:00Z'), '59 min ago');
  assert.equal(at('2026-11-21T11:00:00Z'), '2 h ago');
  assert.equal(at('2026-11-21T11:05:00Z'), '2 h 5 min ago');
});
