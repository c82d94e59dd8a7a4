// Whether this viewer plays peer to peer or over HTTP only. Peer-to-peer needs the platform to allow
// it (the page names a tracker), the lesson not to turn it off, and a browser with WebRTC. A tracker
// that cannot be reached is no reason to decide here: the engine then simply finds no peers and
// fetches everything over HTTP.
import type { Lesson } from '../shared/catalog-types.ts';
import { browserHasWebRtc, p2pSettingsFromPage, type HttpOnlyReason, type P2pSettings } from './p2p-settings.ts';

export type Delivery = { mode: 'p2p'; settings: P2pSettings } | { mode: 'http'; reason: HttpOnlyReason };

/**
 * `lesson` is the catalog's answer (null when it has none); playback waits for it at most `waitMs`,
 * then follows the platform's setting, so a slow catalog never holds the video back for long.
 */
export async function chooseDelivery(doc: Document, lessonId: string, lesson: Promise<Lesson | null>, waitMs = 2000): Promise<Delivery> {
  const settings = p2pSettingsFromPage(doc, lessonId);
  if (!settings) return { mode: 'http', reason: 'platform-off' };
  if (!browserHasWebRtc()) return { mode: 'http', reason: 'no-webrtc' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
  const found = await Promise.race([lesson, late]);
  clearTimeout(timer);
  if (found?.p2pEnabled === false) return { mode: 'http', reason: 'lesson-off' };
  return { mode: 'p2p', settings };
}
