// Counts a watch page's stalls: each time its video waits for data after it first played, and for
// how long. Runs in the page before its scripts (addInitScript); the benchmark reads the counts back.
import type { Page } from 'playwright-core';

export type StallCounts = { stalls: number; stalledSeconds: number };

/**
 * A string, not a function, because tsx would wrap a compiled function's inner functions in a
 * helper the page lacks. Media events do not bubble, so the listeners capture them on the document.
 */
export const stallCounterScript = `(() => {
  const counts = { stalls: 0, stalledMs: 0, played: false, waitingSince: null };
  window.__classcastStalls = counts;
  document.addEventListener('playing', () => {
    counts.played = true;
    if (counts.waitingSince !== null) counts.stalledMs += performance.now() - counts.waitingSince;
    counts.waitingSince = null;
  }, true);
  document.addEventListener('waiting', () => {
    if (!counts.played || counts.waitingSince !== null) return;
    counts.stalls++;
    counts.waitingSince = performance.now();
  }, true);
})()`;

export async function readStalls(page: Page): Promise<StallCounts> {
  return page.evaluate(() => {
    const counts = (window as unknown as { __classcastStalls?: { stalls: number; stalledMs: number; waitingSince: number | null } }).__classcastStalls;
    if (!counts) return { stalls: 0, stalledSeconds: 0 };
    const ongoing = counts.waitingSince === null ? 0 : performance.now() - counts.waitingSince;
    return { stalls: counts.stalls, stalledSeconds: (counts.stalledMs + ongoing) / 1000 };
  });
}
