// The swarms real watch pages announce are the ones the tracker expects: Chromium runs hls.js with
// p2p-media-loader (the browser build the player uses) against a real ingest's live lesson, and its
// bittorrent-tracker client announces to the origin's /tracker. Every announce with the lesson's swarm
// id is accepted; a page with another swarm id is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { liveSwarmId } from '../../services/tracker/swarm-hashes.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'room201-secret-key';
const root = new URL('../../', import.meta.url).pathname;

/** hls.js with p2p-media-loader, bundled as the player bundles it (p2p-media-loader-core's browser build). */
async function p2pPlayerScript(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `
        import Hls from 'hls.js';
        import { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
        window.startP2P = (masterUrl, trackerUrl, swarmId) => {
          const P2PHls = HlsJsP2PEngine.injectMixin(Hls);
          const hls = new P2PHls({ p2p: { core: { swarmId, announceTrackers: [trackerUrl] } } });
          const video = document.createElement('video');
          video.muted = true;
          document.body.append(video);
          hls.attachMedia(video);
          hls.loadSource(masterUrl);
          video.play().catch(() => undefined);
        };`,
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    conditions: ['p2pml:core-as-bundle'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('a real watch page announces the swarms the tracker expects', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder;
  let browser: Browser;
  let script: string;
  let lessonId: string;

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-201', key }] });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25, audio: true });
    [browser, script] = await Promise.all([launchChromium(), p2pPlayerScript()]);
    lessonId = await waitFor('the lesson to be live with a master playlist', async () => {
      const { lessons } = (await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string }> };
      const id = lessons[0]?.id;
      return id && (await fetch(`${ingest.baseUrl}/live/${id}/master.m3u8`)).ok ? id : undefined;
    }, 30_000);
  });

  after(async () => {
    await browser?.close();
    await encoder?.stop();
    await ingest?.stop();
  });

  async function openPlayer(swarmId: string): Promise<Page> {
    const page = await browser.newPage();
    // Same origin as the media, as on the real watch page.
    await page.goto(`${ingest.baseUrl}/healthz`);
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: script });
    await page.evaluate(
      ([masterUrl, trackerUrl, id]) => (window as unknown as { startP2P(a: string, b: string, c: string): void }).startP2P(masterUrl, trackerUrl, id),
      [`${ingest.baseUrl}/live/${lessonId}/master.m3u8`, `ws://127.0.0.1:${ingest.httpPort}/tracker`, swarmId] as const,
    );
    return page;
  }

  it('accepts two viewers of the lesson and refuses a viewer of another swarm', async () => {
    const tracker = ingest.tracker!;
    await openPlayer(liveSwarmId(lessonId));
    await openPlayer(liveSwarmId(lessonId));
    const stats = await waitFor('both viewers listed', () => {
      const current = tracker.stats();
      return current.peers >= 2 && current;
    }, 30_000);
    assert.equal(stats.refusedAnnounces, 0);
    assert.ok(stats.swarms >= 1);

    await openPlayer(liveSwarmId('not-a-lesson-here'));
    await waitFor('the stranger refused', () => tracker.stats().refusedAnnounces > 0, 30_000);
    assert.equal(tracker.stats().peers, stats.peers);
  });
});
