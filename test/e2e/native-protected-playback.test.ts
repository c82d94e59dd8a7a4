// A protected lesson played the way the browser's own HLS (Safari, iOS) plays it: from the viewer's
// own master playlist (/watch/<lesson>/master.m3u8?token=...), then every URI exactly as the
// playlists give it, with no header and no query added. Real ffmpeg pushing RTMP, a real city relay
// with the tiers' secrets, and Shaka in Chromium told to add nothing to its requests. Every variant,
// init segment and segment comes through the relay with the token in its path (and from the origin,
// marked private); a wrong or missing token is refused; and two viewers with different tokens share
// the relay's one cached copy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger } from '../../services/core/log.ts';
import type { PlaybackSettings } from '../../services/core/config/playback-settings.ts';
import { signPlaybackToken } from '../../services/core/playback-token.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import type { DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { shakaState, startPageServer } from '../helpers/shaka-page.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'native-protected-key';
const secrets = ['native-playback-secret-0123456789abcdefgh'];
const lessonId = 'room-901-protected';
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: { id?: string; expiresAt?: number } = {}, withSecrets: readonly string[] = secrets) =>
  signPlaybackToken(withSecrets, { scope: 'live', id: claims.id ?? lessonId, expiresAt: claims.expiresAt ?? now() + 600 });

/** A fetch as a native player makes it: the URL alone, no header of ours. */
const plainGet = (url: string) => fetch(url, { cache: 'no-store' });

/** The URIs (resolved) of the variant streams of a master playlist. */
function variantUris(master: string, base: string): string[] {
  return master
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((uri) => new URL(uri, base).href);
}

describe('a protected lesson through the per-viewer master, as a native HLS player plays it', { timeout: 180_000 }, () => {
  let ingest: TestIngest;
  let relay: TestRelay;
  let encoder: DemoEncoder;
  let db: Database;
  let browser: Browser | undefined;
  let pageServer: Server | undefined;

  before(async () => {
    const playback: PlaybackSettings = { secrets, tokenTtlSeconds: 600 };
    const log = createLogger({ role: 'catalog', node: 'test' });
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false } } }]);
    const api = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live', playback });
    // The pages (and so the per-viewer master) send viewers to the city relay.
    ingest = await startTestIngest({ classrooms: [{ id: 'room-901', key }] }, () => relay?.baseUrl ?? '', { playback, db, routers: [api] });
    relay = await startTestRelay([ingest.baseUrl], {}, undefined, { playback });
    await db.query(
      `insert into lessons (id, classroom_id, title, starts_at, ends_at, visibility)
       values ($1, 'room-901', 'Protected physics', now() - interval '1 minute', now() + interval '1 hour', 'protected')`,
      [lessonId],
    );
    encoder = pushTestPattern(ingest.rtmpUrl(key));
    await waitFor('the protected lesson live', () => (ingest.ingest.lessons.get(lessonId)?.protected ? true : undefined), 30_000);
  });
  after(async () => {
    await browser?.close();
    pageServer?.close();
    await encoder?.stop();
    await relay?.stop();
    await ingest?.stop();
    await db?.close();
  });

  it('fetches every variant, init segment and segment through the relay with no header, and refuses a wrong or missing token', async () => {
    const token = sign();
    const masterUrl = `${ingest.baseUrl}/watch/${lessonId}/master.m3u8?token=${encodeURIComponent(token)}`;
    // Wait for two segments in every rendition's time-shift playlist, read the native player's way.
    const walk = await waitFor(
      'two segments in every variant, fetched as the playlists name them',
      async () => {
        const master = await plainGet(masterUrl);
        if (master.status !== 200) return undefined;
        const variants = variantUris(await master.text(), masterUrl);
        const playlists = [];
        for (const variant of variants) {
          const response = await plainGet(variant);
          if (response.status !== 200) return undefined;
          const parsed = parsePlaylist(await response.text());
          if (parsed.segments.length < 2) return undefined;
          playlists.push({ variant, parsed });
        }
        return { variants, playlists };
      },
      60_000,
    );
    assert.ok(walk.variants.length > 0);
    for (const variant of walk.variants) {
      assert.ok(variant.startsWith(`${relay.baseUrl}/t/${token}/live/${lessonId}/`), `${variant} is on the relay with the token in its path`);
      assert.ok(!variant.includes('?'), 'and carries nothing a native player could drop');
    }
    const files: string[] = [];
    for (const { variant, parsed } of walk.playlists) {
      const init = parsed.segments[0]!.map?.uri;
      assert.ok(init, 'the variant names its init segment');
      files.push(new URL(init, variant).href, ...parsed.segments.slice(0, 2).map((segment) => new URL(segment.uri, variant).href));
    }
    for (const file of files) {
      assert.ok(file.startsWith(`${relay.baseUrl}/t/${token}/`), `${file} resolves under the token's path`);
      const response = await plainGet(file);
      assert.equal(response.status, 200, file);
      assert.equal(response.headers.get('x-classcast-protected'), '1');
      const body = Buffer.from(await response.arrayBuffer());
      assert.match(body.toString('latin1', 4, 8), /^(ftyp|styp|moof)$/, `${file} is an MP4 box`);
    }

    // The origin answers the same path token (the province's own base in a viewer's list), privately:
    // a generic shared cache must not keep what only a token opens.
    for (const file of [walk.variants[0]!, files[1]!]) {
      const atOrigin = await plainGet(file.replace(relay.baseUrl, ingest.baseUrl));
      assert.equal(atOrigin.status, 200, `origin: ${file}`);
      assert.match(atOrigin.headers.get('cache-control') ?? '', /^private, max-age=\d+/);
      await atOrigin.arrayBuffer();
    }

    // Refused: the per-viewer master without a token; every file without one, with a forged one,
    // an expired one, or another lesson's in its path.
    assert.equal((await plainGet(`${ingest.baseUrl}/watch/${lessonId}/master.m3u8`)).status, 403, 'the per-viewer master without a token');
    assert.equal((await plainGet(`${ingest.baseUrl}/watch/${lessonId}/master.m3u8?token=${encodeURIComponent(sign({ expiresAt: now() - 1 }))}`)).status, 403, 'with an expired one');
    const wrong = {
      'no token': (url: string) => url.replace(`/t/${token}`, ''),
      forged: (url: string) => url.replace(token, sign({}, ['an-attacker-secret-0123456789abcdefghijk'])),
      expired: (url: string) => url.replace(token, sign({ expiresAt: now() - 1 })),
      'another lesson': (url: string) => url.replace(token, sign({ id: 'room-901-another' })),
    };
    for (const [what, change] of Object.entries(wrong)) {
      for (const url of [walk.variants[0]!, ...files]) {
        const response = await plainGet(change(url));
        assert.equal(response.status, 403, `${what}: ${change(url)}`);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        await response.arrayBuffer();
      }
    }

    // Another viewer's token opens the same cached objects: no new upstream fetch for files the relay holds.
    const other = sign({ expiresAt: now() + 300 });
    const missesBefore = relay.relay.stats.misses;
    for (const file of files) {
      const response = await plainGet(file.replace(token, other));
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    assert.equal(relay.relay.stats.misses, missesBefore, "the second viewer's files all came from the relay's cache");
  });

  it('plays in Chromium from the per-viewer master with a player that adds nothing to its requests', async () => {
    const masterUrl = `${ingest.baseUrl}/watch/${lessonId}/master.m3u8?token=${encodeURIComponent(sign())}`;
    const served = await startPageServer(masterUrl, { tokenHeader: false });
    pageServer = served.server;
    browser = await launchChromium();
    const tab = await browser.newPage();
    await tab.goto(served.url);
    const state = await waitFor('two seconds of playback', async () => {
      const snapshot = await shakaState(tab);
      assert.deepEqual(snapshot.errors, [], 'the player reports no error');
      return snapshot.playingSeconds >= 2 && snapshot.height > 0 ? snapshot : undefined;
    }, 90_000);
    assert.ok(state.currentTime > 0);
    assert.ok(relay.relay.stats.requests > 0);
  });
});
