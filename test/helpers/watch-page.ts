// Opens the watch page in headless Chromium and reads the player's state through window.classcast.
import type { Browser, Page } from 'playwright-core';
import { waitFor } from './wait-for.ts';

export type PlayerSnapshot = {
  currentTime: number;
  paused: boolean;
  videoHeight: number;
  currentLevel: number;
  levels: Array<{ index: number; height: number; bitrate: number }>;
  errors: string[];
  state: string;
};

export async function openWatchPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => process.stderr.write(`[watch page error] ${error.message}\n`));
  await page.goto(url);
  return page;
}

export function snapshot(page: Page): Promise<PlayerSnapshot> {
  return page.evaluate(() => {
    const video = document.querySelector('video')!;
    const api = (window as unknown as { classcast?: { levels(): PlayerSnapshot['levels']; currentLevel(): number; errors: string[] } }).classcast;
    return {
      currentTime: video.currentTime,
      paused: video.paused,
      videoHeight: video.videoHeight,
      currentLevel: api ? api.currentLevel() : -2,
      levels: api ? api.levels() : [],
      errors: api ? [...api.errors] : [],
      state: document.body.dataset.playerState ?? '',
    };
  });
}

/**
 * Waits until the video's currentTime has advanced by `seconds` from where it is now. The first frame
 * may take a while on a busy machine (a build, a transcode beside the test): a minute, not 30 s.
 */
export async function waitForPlayback(page: Page, seconds: number, timeoutMs = 60_000): Promise<PlayerSnapshot> {
  const start = await waitFor('the video to start', async () => {
    const state = await snapshot(page);
    return state.currentTime > 0 ? state : undefined;
  }, timeoutMs);
  return waitFor(`currentTime to advance ${seconds} s past ${start.currentTime.toFixed(1)}`, async () => {
    const state = await snapshot(page);
    return state.currentTime >= start.currentTime + seconds ? state : undefined;
  }, timeoutMs + seconds * 1000);
}
