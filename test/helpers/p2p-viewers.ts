// Viewers of the watch page who share segments over WebRTC: one headless Chromium whose browser
// contexts are separate viewers (lighter than a browser each), with the flags two pages on one
// machine need to reach each other without ICE servers.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from './browser.ts';

/** What the watch page counts (player/src/p2p/delivery-stats.ts), plus the video's position. */
export type ViewerStats = {
  mode: string;
  httpOnlyReason: string | null;
  httpBytes: number;
  p2pBytesDown: number;
  p2pBytesUp: number;
  peers: number;
  rejected: { empty: number; mismatch: number; unlisted: number };
  peerSegmentsChecked: number;
  smallestPeerSegment: number | null;
  /** Live segments fetched first over HTTP as their seeder, and waited for from peers (live-seeding.ts). */
  segmentsSeeded: number;
  segmentsWaited: number;
  currentTime: number;
  errors: string[];
  state: string;
};

export type Viewer = { context: BrowserContext; page: Page; stats(): Promise<ViewerStats>; close(): Promise<void> };

export function launchP2pChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
      '--mute-audio',
      // Offer real host addresses instead of mDNS names (nothing here resolves .local), including
      // loopback, so two pages on this machine connect with no STUN server, as on a school LAN.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--allow-loopback-in-peer-connection',
      // Background pages must keep playing and serving their peers.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

export type ViewerOptions = {
  /** Runs in the page before any of its scripts. */
  beforeLoad?: () => void;
  /** Runs before the page is opened, e.g. to route its requests. */
  prepare?: (page: Page) => Promise<void>;
};

/** Opens the watch page in a fresh context (its own storage and connections: another viewer). */
export async function openViewer(browser: Browser, url: string, options: ViewerOptions = {}): Promise<Viewer> {
  const context = await browser.newContext({ viewport: { width: 640, height: 480 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[watch page error] ${error.message}\n`));
  if (options.beforeLoad) await page.addInitScript(options.beforeLoad);
  await options.prepare?.(page);
  await page.goto(url);
  return {
    context,
    page,
    stats: () => viewerStats(page),
    close: () => context.close(),
  };
}

export function viewerStats(page: Page): Promise<ViewerStats> {
  return page.evaluate(() => {
    const api = window.classcast;
    const video = document.querySelector('video');
    const p2p = api?.p2p;
    return {
      mode: p2p?.mode ?? 'none',
      httpOnlyReason: p2p?.httpOnlyReason ?? null,
      httpBytes: p2p?.httpBytes ?? 0,
      p2pBytesDown: p2p?.p2pBytesDown ?? 0,
      p2pBytesUp: p2p?.p2pBytesUp ?? 0,
      peers: p2p?.peers ?? 0,
      rejected: { ...(p2p?.rejected ?? { empty: 0, mismatch: 0, unlisted: 0 }) },
      peerSegmentsChecked: p2p?.peerSegmentsChecked ?? 0,
      smallestPeerSegment: p2p?.smallestPeerSegment ?? null,
      segmentsSeeded: p2p?.segmentsSeeded ?? 0,
      segmentsWaited: p2p?.segmentsWaited ?? 0,
      currentTime: video?.currentTime ?? 0,
      errors: api ? [...api.errors] : [],
      state: document.body.dataset.playerState ?? '',
    };
  });
}
