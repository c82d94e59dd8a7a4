// A page that plays a manifest in Shaka Player (its compiled build from npm), served from an
// origin of its own so every media request is cross-origin, and what it records: Shaka's errors,
// every time the picture stopped moving for more than 300 ms, Shaka's own stall and gap counts, and a
// log of the segments it fetched with what was buffered then. Shaka sends the playback token header
// with each request, so each new URL is preflighted (CORS) at the server first.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { tokenHeader } from '../../services/origin/playback-guard.ts';

/** Shaka 4.16 from package.json; SHAKA_BUILD names another compiled build (docs/standards.md: trying Shaka 5). */
const shakaBuild = process.env.SHAKA_BUILD ?? createRequire(import.meta.url).resolve('shaka-player/dist/shaka-player.compiled.js');

/** What the page records (window.shakaTestSnapshot()): Shaka's errors, and every time the picture stopped moving. */
export type ShakaState = {
  errors: string[];
  /** Gaps of more than 300 ms between two advances of currentTime once playing; `ongoing` is still stopped. */
  stalls: Array<{ at: number; ms: number; currentTime: number; ongoing?: boolean }>;
  currentTime: number;
  playingSeconds: number;
  height: number;
  /** The video's duration (a replay's; Infinity live) and whether it played to its end. */
  duration: number;
  ended: boolean;
  stats: { stallsDetected: number; gapsJumped: number; width: number; height: number };
  log: string[];
};

const page = (manifestUrl: string, tokenHeaderSent: boolean) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Shaka Player</title><link rel="icon" href="data:,"></head>
<body><video id="video" muted autoplay playsinline width="640" height="360"></video>
<script src="/shaka-player.compiled.js"></script>
<script>
const state = { errors: [], stalls: [], currentTime: 0, playingSeconds: 0, height: 0, duration: 0, ended: false, stats: {}, log: [] };
const video = document.getElementById('video');
let firstAdvanceAt = 0, lastAdvanceAt = 0, lastTime = 0;
setInterval(() => {
  const now = performance.now();
  if (video.currentTime > lastTime + 0.01) {
    if (firstAdvanceAt === 0) firstAdvanceAt = now;
    else if (now - lastAdvanceAt > 300) state.stalls.push({ at: Date.now(), ms: Math.round(now - lastAdvanceAt), currentTime: lastTime });
    lastAdvanceAt = now;
    lastTime = video.currentTime;
  }
  state.currentTime = video.currentTime;
  state.playingSeconds = firstAdvanceAt ? (now - firstAdvanceAt) / 1000 : 0;
  state.height = video.videoHeight;
  state.duration = video.duration;
  state.ended = video.ended;
}, 50);
window.shakaTestSnapshot = () => {
  const now = performance.now();
  const ongoing = firstAdvanceAt && !video.ended && now - lastAdvanceAt > 300 ? [{ at: Date.now(), ms: Math.round(now - lastAdvanceAt), currentTime: lastTime, ongoing: true }] : [];
  const stats = window.shakaPlayer ? window.shakaPlayer.getStats() : {};
  return { ...state, stalls: [...state.stalls, ...ongoing], stats: { stallsDetected: stats.stallsDetected, gapsJumped: stats.gapsJumped, width: stats.width, height: stats.height } };
};
(async () => {
  shaka.polyfill.installAll();
  if (!shaka.Player.isBrowserSupported()) { state.errors.push('shaka: browser not supported'); return; }
  const player = new shaka.Player();
  window.shakaPlayer = player;
  await player.attach(video);
  const describe = (error) => error && error.code !== undefined
    ? 'shaka error ' + error.code + ' (category ' + error.category + ', severity ' + error.severity + '): ' + JSON.stringify(error.data).slice(0, 400)
    : String(error) + (error && error.stack ? ' ' + error.stack.split(' at ').slice(1, 3).join(' at ') : '');
  player.addEventListener('error', (event) => state.errors.push(describe(event.detail)));
  video.addEventListener('error', () => state.errors.push('video error: ' + (video.error && video.error.message)));
  player.addEventListener('buffering', (event) => state.log.push(new Date().toISOString() + ' buffering ' + event.buffering + ' at ' + video.currentTime.toFixed(2)));
  player.addEventListener('gapjumped', () => state.log.push(new Date().toISOString() + ' gap jumped at ' + video.currentTime.toFixed(2)));
  const buffered = () => Array.from({ length: video.buffered.length }, (_, i) => video.buffered.start(i).toFixed(2) + '-' + video.buffered.end(i).toFixed(2)).join(',');
  player.getNetworkingEngine().registerResponseFilter((_type, response) => {
    if (!response.uri.includes('.m3u8')) state.log.push(new Date().toISOString() + ' got ' + response.uri.split('/').slice(-2).join('/') + ' at ' + video.currentTime.toFixed(2) + ', buffered ' + buffered());
  });
  // A header outside the CORS safelist on every request, as a player sending the playback token
  // as a header would: each new URL is preflighted at the relay.
  ${tokenHeaderSent ? `player.getNetworkingEngine().registerRequestFilter((_type, request) => { request.headers['${tokenHeader}'] = 'shaka-test'; });` : '// Nothing added to the requests: the player fetches each URI as the playlists give it, as a native one does.'}
  try {
    await player.load(${JSON.stringify(manifestUrl)});
  } catch (error) {
    state.errors.push('load: ' + describe(error));
  }
})();
</script></body></html>
`;

/** Serves the test page and Shaka's build from an origin of their own; `tokenHeader` false: Shaka adds no header to its requests. */
export async function startPageServer(manifestUrl: string, options: { tokenHeader?: boolean } = {}): Promise<{ url: string; server: Server }> {
  const script = await readFile(shakaBuild);
  const server = createServer((request, response) => {
    if (request.url === '/shaka-player.compiled.js') return void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    if (request.url === '/') return void response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(manifestUrl, options.tokenHeader ?? true));
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server };
}

/** What the page has recorded so far. */
export const shakaState = (tab: Page) => tab.evaluate(() => (window as unknown as { shakaTestSnapshot(): ShakaState }).shakaTestSnapshot());
