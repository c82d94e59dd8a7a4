// The path token a native HLS player carries (/t/<token>/live/...): split off before anything else,
// read by the guard after the query, and never taken from something that is not a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitPathToken, withPathToken, withoutPathToken } from '../../services/origin/path-token.ts';
import { tokenOf } from '../../services/origin/playback-guard.ts';

test('a /t/<token>/ prefix splits into the token and the plain media path', () => {
  assert.deepEqual(splitPathToken('/t/v1.live.l-1.99.-.sig_-A/live/l-1/720p/r0-3.m4s?x=1'), { token: 'v1.live.l-1.99.-.sig_-A', rest: '/live/l-1/720p/r0-3.m4s?x=1' });
  assert.deepEqual(splitPathToken('/live/l-1/master.m3u8'), { token: undefined, rest: '/live/l-1/master.m3u8' });
  // Not a token (a space, nothing, no slash after it): the URL stays whole and names no media.
  assert.equal(splitPathToken('/t/a%20b/live/l-1/master.m3u8').token, undefined);
  assert.equal(splitPathToken('/t//live/l-1/master.m3u8').token, undefined);
  assert.equal(withoutPathToken('/t/abc'), '/t/abc');
  assert.equal(withPathToken('/vod/rec-1/master.m3u8', 'v1.a'), '/t/v1.a/vod/rec-1/master.m3u8');
  assert.throws(() => withPathToken('/live/x/master.m3u8', 'a/b'), /not a playback token/);
});

test('the guard reads the query token first, then the path token, then the header', () => {
  assert.equal(tokenOf('/t/path-tok/live/l/master.m3u8?token=query-tok', {}), 'query-tok');
  assert.equal(tokenOf('/t/path-tok/live/l/master.m3u8', { 'x-classcast-token': 'header-tok' }), 'path-tok');
  assert.equal(tokenOf('/live/l/master.m3u8', { 'x-classcast-token': 'header-tok' }), 'header-tok');
  assert.equal(tokenOf('/live/l/master.m3u8', {}), undefined);
});
