import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorDetails, ErrorTypes } from 'hls.js';
import { createFailureStreak, isRelayFailure, nextRelayIndex, onRelay, parseRelays } from '../../player/src/relay-list.ts';

const none = { media: '', tracker: '' };

test('the next relay is the following one in the list, round to the first', () => {
  assert.equal(nextRelayIndex(0, 3), 1);
  assert.equal(nextRelayIndex(1, 3), 2);
  assert.equal(nextRelayIndex(2, 3), 0);
  assert.equal(nextRelayIndex(0, 1), 0);
  assert.throws(() => nextRelayIndex(0, 0), RangeError);
});

test('the page names its relays in order, each with its tracker; malformed entries are left out', () => {
  const content = JSON.stringify([
    { media: 'http://city-1.example:8081', tracker: 'ws://city-1.example:8081/tracker' },
    { media: 'javascript:alert(1)', tracker: '' },
    { media: 'http://city-2.example:8081/live', tracker: '' },
    { media: 'https://city-2.example', tracker: 'http://not-a-socket' },
    'http://bare-string.example',
  ]);
  assert.deepEqual(parseRelays(content, none), [
    { media: 'http://city-1.example:8081', tracker: 'ws://city-1.example:8081/tracker' },
    { media: 'https://city-2.example', tracker: '' },
  ]);
});

test('a page without a usable list plays from the single media base it names', () => {
  const fallback = { media: 'http://relay.example:8081', tracker: 'ws://relay.example:8081/tracker' };
  for (const content of ['', '[]', 'not json', '{"media":"http://a.example"}', '[{"media":""}]']) assert.deepEqual(parseRelays(content, fallback), [fallback], content);
});

test('a media URL moves to another relay keeping its path and query', () => {
  assert.equal(onRelay('http://city-1.example:8081/vod/rec-1/master.m3u8', 'http://city-2.example:8081'), 'http://city-2.example:8081/vod/rec-1/master.m3u8');
  assert.equal(onRelay('/live/l-1/master-timeshift.m3u8?x=1', 'https://city-2.example/'), 'https://city-2.example/live/l-1/master-timeshift.m3u8?x=1');
  assert.equal(onRelay('http://city-1.example:8081/live/l-1/master.m3u8', ''), '/live/l-1/master.m3u8');
});

test('loads with no answer, timeouts and 5xx count against the relay; "not here" answers do not', () => {
  const load = (details: string, code?: number) => ({ type: ErrorTypes.NETWORK_ERROR, details: details as ErrorDetails, response: code === undefined ? undefined : { code, text: '', url: 'http://relay.example/live/l/480p/1.m4s' } });
  assert.equal(isRelayFailure(load(ErrorDetails.FRAG_LOAD_ERROR, 0)), true);
  assert.equal(isRelayFailure(load(ErrorDetails.LEVEL_LOAD_ERROR, 502)), true);
  assert.equal(isRelayFailure(load(ErrorDetails.MANIFEST_LOAD_TIMEOUT)), true);
  assert.equal(isRelayFailure(load(ErrorDetails.FRAG_LOAD_TIMEOUT)), true);
  for (const code of [401, 403, 404, 410]) assert.equal(isRelayFailure(load(ErrorDetails.MANIFEST_LOAD_ERROR, code)), false, `HTTP ${code}`);
  assert.equal(isRelayFailure({ type: ErrorTypes.MEDIA_ERROR, details: ErrorDetails.BUFFER_STALLED_ERROR, response: undefined }), false);
  assert.equal(isRelayFailure(load(ErrorDetails.KEY_LOAD_ERROR, 0)), false);
});

test('a streak is so many failures in a row within the window; a success or a slow trickle is none', () => {
  const streak = createFailureStreak(3, 10_000);
  assert.equal(streak.failed(0), false);
  assert.equal(streak.failed(1000), false);
  assert.equal(streak.failed(2000), true, 'three in two seconds');
  assert.equal(streak.failed(2500), false, 'a streak starts again once reported');
  streak.succeeded();
  assert.equal(streak.failed(3000), false);
  assert.equal(streak.failed(4000), false);
  streak.succeeded();
  assert.equal(streak.failed(5000), false, 'a success in between breaks the streak');
  const trickle = createFailureStreak(3, 10_000);
  assert.equal(trickle.failed(0), false);
  assert.equal(trickle.failed(8000), false);
  assert.equal(trickle.failed(16_000), false, 'the first failure is older than the window');
  assert.equal(trickle.failed(17_000), true);
});

test('while the viewer is stalled one failure moves on, whichever came first; a hiccup the buffer rode over does not', () => {
  const stallFirst = createFailureStreak(3, 10_000);
  assert.equal(stallFirst.stalled(0), false, 'a stall with no failure is not the relay (a seek, a slow start)');
  assert.equal(stallFirst.failed(500), true);
  const failureFirst = createFailureStreak(3, 10_000);
  assert.equal(failureFirst.failed(0), false, 'one failure the buffer rides over');
  assert.equal(failureFirst.stalled(2000), true);
  const recovered = createFailureStreak(3, 10_000);
  recovered.failed(0);
  recovered.succeeded();
  assert.equal(recovered.stalled(1000), false, 'the relay answered again since its failure');
  const old = createFailureStreak(3, 10_000);
  old.failed(0);
  assert.equal(old.stalled(12_000), false, 'the failure is older than the window');
  const playingAgain = createFailureStreak(3, 10_000);
  playingAgain.stalled(0);
  playingAgain.buffered();
  assert.equal(playingAgain.failed(1000), false, 'media went into the buffer since the stall');
});
