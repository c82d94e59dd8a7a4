import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorTypes } from 'hls.js';
import { isFinal, isRetrying, noticeForHlsError, noticeForNativeError, noticeKeys, noticeMessage } from '../../player/src/error-messages.ts';

test('hls.js is left to handle errors it has not given up on', () => {
  assert.equal(noticeForHlsError({ type: ErrorTypes.NETWORK_ERROR, fatal: false }, false), null);
  assert.equal(noticeForHlsError({ type: ErrorTypes.MEDIA_ERROR, fatal: false }, true), null);
});

test('a missing playlist before anything played means the lesson has not started', () => {
  for (const code of [403, 404, 410]) {
    const error = { type: ErrorTypes.NETWORK_ERROR, fatal: true, response: { url: '/live/x/master.m3u8', code } };
    assert.equal(noticeForHlsError(error, false), 'lesson-not-started', `HTTP ${code}`);
  }
  assert.equal(noticeMessage('lesson-not-started'), 'Waiting for the lesson to start…');
});

test('other network failures, and a playlist going away mid-lesson, are a lost connection', () => {
  const missing = { type: ErrorTypes.NETWORK_ERROR, fatal: true, response: { url: '/live/x/720p/index.m3u8', code: 404 } };
  assert.equal(noticeForHlsError(missing, true), 'network-lost');
  for (const code of [0, 500, 503]) {
    assert.equal(noticeForHlsError({ type: ErrorTypes.NETWORK_ERROR, fatal: true, response: { url: '', code } }, false), 'network-lost');
  }
  assert.equal(noticeForHlsError({ type: ErrorTypes.NETWORK_ERROR, fatal: true }, false), 'network-lost');
});

test('media errors and anything else fatal get their own notices', () => {
  assert.equal(noticeForHlsError({ type: ErrorTypes.MEDIA_ERROR, fatal: true }, true), 'media-error');
  assert.equal(noticeForHlsError({ type: ErrorTypes.MUX_ERROR, fatal: true }, true), 'playback-failed');
  assert.equal(noticeForHlsError({ type: ErrorTypes.OTHER_ERROR, fatal: true }, false), 'playback-failed');
});

test('native HLS errors: waiting before the first frame, reconnecting after', () => {
  assert.equal(noticeForNativeError(false), 'lesson-not-started');
  assert.equal(noticeForNativeError(true), 'network-lost');
});

test('every notice is in words, and is retrying, final or the end of the lesson', () => {
  for (const notice of Object.keys(noticeKeys) as Array<keyof typeof noticeKeys>) {
    assert.match(noticeMessage(notice), /^[A-Z].{10,}[.…]$/, notice);
    const kinds = [isRetrying(notice), isFinal(notice), notice === 'lesson-ended'];
    assert.equal(kinds.filter(Boolean).length, 1, notice);
  }
});
