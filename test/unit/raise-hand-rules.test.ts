// The raised-hand rules without sockets: the queue's order and places, the limit of calls at once,
// who may mute and end, what a console leaving takes with it; who holds a lesson's console; TURN
// credentials coturn accepts; and which client messages the signalling reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createHandQueue } from '../../services/hands/hand-queue.ts';
import { handsRoleOf } from '../../services/hands/hands-access.ts';
import { iceServersFor, turnRestCredentials } from '../../services/hands/turn-credentials.ts';
import { readClientMessage } from '../../services/hands/client-messages.ts';
import type { Account } from '../../services/catalog/auth/account.ts';

test('hands wait in the order raised; a second raise keeps its place', () => {
  const queue = createHandQueue(1);
  assert.equal(queue.raise(10, 'Ann', 1000), 1);
  assert.equal(queue.raise(20, 'Bo', 2000), 2);
  assert.equal(queue.raise(10, 'Ann', 3000), 1);
  assert.deepEqual(queue.hands().map((hand) => [hand.studentId, hand.raisedAt]), [[10, 1000], [20, 2000]]);
  queue.lower(10);
  assert.equal(queue.position(20), 1, 'the next hand moves up');
});

test('with a limit of one, a second accepted hand is refused and keeps waiting', () => {
  const queue = createHandQueue(1);
  queue.raise(10, 'Ann', 1);
  queue.raise(20, 'Bo', 2);
  const first = queue.accept(10, 'console-a');
  assert.ok(typeof first === 'object' && first.state === 'accepted' && first.acceptedBy === 'console-a');
  assert.equal(queue.accept(20, 'console-a'), 'limit');
  assert.equal(queue.get(20)?.state, 'waiting');
  assert.equal(queue.position(20), 1);
  assert.equal(queue.position(10), undefined, 'a hand in a call has no place in the queue');
  assert.equal(queue.accepted(), 1);
  assert.ok(typeof queue.end(10) === 'object');
  assert.equal(queue.get(10), undefined, 'an ended call puts the hand down');
  assert.ok(typeof queue.accept(20, 'console-a') === 'object', 'the next hand is accepted once the call ended');
});

test('a limit of two holds two calls at once', () => {
  const queue = createHandQueue(2);
  for (const id of [1, 2, 3]) queue.raise(id, `S${id}`, id);
  assert.equal(typeof queue.accept(1, 'c'), 'object');
  assert.equal(typeof queue.accept(2, 'c'), 'object');
  assert.equal(queue.accept(3, 'c'), 'limit');
});

test('accept, mute and end refuse hands that are not there or not in a call', () => {
  const queue = createHandQueue(1);
  assert.equal(queue.accept(5, 'c'), 'not-raised');
  queue.raise(5, 'E', 1);
  assert.equal(queue.mute(5, true), 'not-in-call');
  assert.equal(queue.end(5), 'not-in-call');
  queue.accept(5, 'c');
  const muted = queue.mute(5, true);
  assert.ok(typeof muted === 'object' && muted.muted);
  assert.equal(queue.accept(5, 'other console'), 'taken');
});

test('a console that leaves ends its own calls only', () => {
  const queue = createHandQueue(2);
  queue.raise(1, 'A', 1);
  queue.raise(2, 'B', 2);
  queue.raise(3, 'C', 3);
  queue.accept(1, 'left');
  queue.accept(2, 'stays');
  assert.deepEqual(queue.endCallsOf('left').map((hand) => hand.studentId), [1]);
  assert.deepEqual(queue.hands().map((hand) => hand.studentId), [2, 3]);
});

const account = (role: Account['role'], id: number, schoolId: number | null): Account => ({ id, username: `u${id}`, displayName: `U${id}`, role, schoolId, locale: null });

test('the lesson\'s teacher, its school\'s admins and operators hold the console; its students raise hands; others are refused', () => {
  const lesson = { schoolId: 7, visibility: 'school' as const, teacherAccountId: 3 };
  assert.equal(handsRoleOf(account('teacher', 3, 7), lesson), 'console');
  assert.equal(handsRoleOf(account('teacher', 4, 7), lesson), undefined, 'another teacher of the school');
  assert.equal(handsRoleOf(account('school_admin', 5, 7), lesson), 'console');
  assert.equal(handsRoleOf(account('school_admin', 6, 8), lesson), undefined, 'another school\'s admin');
  assert.equal(handsRoleOf(account('operator', 1, null), lesson), 'console');
  assert.equal(handsRoleOf(account('student', 9, 7), lesson), 'student');
  assert.equal(handsRoleOf(account('student', 10, 8), lesson), undefined, 'a student of another school, on a school lesson');
  assert.equal(handsRoleOf(account('student', 10, 8), { ...lesson, visibility: 'public' }), 'student', 'anyone\'s student on a public lesson');
});

test('TURN entries without credentials get coturn REST credentials; STUN and credentialed ones pass as they are', () => {
  const configured = [{ urls: 'stun:turn.example.edu:3478' }, { urls: ['turn:turn.example.edu:3478', 'turns:turn.example.edu:5349'] }, { urls: 'turn:other.example:3478', username: 'fixed', credential: 'pw' }];
  const servers = iceServersFor(configured, 'a-secret-of-sixteen', 42, 1_000_000, 3600);
  assert.deepEqual(servers[0], configured[0]);
  assert.deepEqual(servers[2], configured[2]);
  const expected = createHmac('sha1', 'a-secret-of-sixteen').update('1003600:42').digest('base64');
  assert.deepEqual(servers[1], { urls: configured[1]!.urls, username: '1003600:42', credential: expected });
  assert.deepEqual(turnRestCredentials('a-secret-of-sixteen', 42, 1_003_600), { username: '1003600:42', credential: expected });
  assert.deepEqual(iceServersFor(configured, undefined, 42, 0, 60), configured, 'no secret: nothing is made up');
});

test('the signalling reads known messages only, with bounded fields', () => {
  assert.deepEqual(readClientMessage('{"type":"raise"}'), { message: { type: 'raise' } });
  assert.deepEqual(readClientMessage('{"type":"accept","studentId":3}'), { message: { type: 'accept', studentId: 3 } });
  const candidate = { type: 'signal', signal: { candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } } };
  assert.ok('message' in readClientMessage(JSON.stringify(candidate)));
  assert.ok('message' in readClientMessage(JSON.stringify({ type: 'signal', signal: { candidate: null } })));
  for (const bad of ['not json', '{"type":"fly"}', '{"type":"accept","studentId":-1}', '{"type":"raise","extra":1}', JSON.stringify({ type: 'signal', signal: { sdp: { type: 'offer', sdp: 'x'.repeat(20_000) } } }), JSON.stringify({ type: 'signal', signal: { html: '<b>' } })]) {
    const read = readClientMessage(bad);
    assert.ok('problem' in read && read.problem.length > 0, bad.slice(0, 60));
  }
});
