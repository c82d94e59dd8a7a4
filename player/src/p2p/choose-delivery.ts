// Whether this viewer plays peer to peer or over HTTP only. Peer-to-peer needs the platform to allow
// it (the page names a tracker), the lesson not to turn it off nor to be in low latency mode, and a
// browser with WebRTC. A tracker that cannot be reached is no reason to decide here: the engine then
// simply finds no peers and fetches everything over HTTP.
import type { Lesson } from '../shared/catalog-types.ts';
import { masterUrlFromPage } from '../lesson-urls.ts';
import { p2pProfileFor, replayP2pProfile } from './p2p-profile.ts';
import { browserHasWebRtc, p2pSettingsFromPage, replaySwarmIdFor, swarmIdFor, type HttpOnlyReason, type P2pSettings } from './p2p-settings.ts';

export type Delivery = { mode: 'p2p'; settings: P2pSettings } | { mode: 'http'; reason: HttpOnlyReason };

export type DeliveryOptions = {
  /** How long playback waits for the catalog's answer before following the platform's setting. */
  waitMs?: number;
  /** The swarm to join; by default the replay's when the page plays /vod/<recordingId>/, else the lesson's. */
  swarmId?: string;
};

/**
 * `id` is the lesson's (or, on the replay page, the recording's); `lesson` is the catalog's answer
 * (null when it has none). Playback waits for it at most `waitMs`, so a slow catalog never holds the
 * video back for long.
 */
export async function chooseDelivery(doc: Document, id: string, lesson: Promise<Lesson | null>, options: DeliveryOptions = {}): Promise<Delivery> {
  const replay = masterUrlFromPage(doc)?.replace(/^https?:\/\/[^/]+/, '').startsWith('/vod/') ?? false;
  const swarmId = options.swarmId ?? (replay ? replaySwarmIdFor(id) : swarmIdFor(id));
  if (!p2pSettingsFromPage(doc, swarmId, replayP2pProfile)) return { mode: 'http', reason: 'platform-off' };
  if (!browserHasWebRtc()) return { mode: 'http', reason: 'no-webrtc' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), options.waitMs ?? 2000)));
  const found = await Promise.race([lesson, late]);
  clearTimeout(timer);
  if (found?.p2pEnabled === false) return { mode: 'http', reason: 'lesson-off' };
  const profile = replay ? replayP2pProfile : p2pProfileFor(found?.latencyMode);
  if (!profile) return { mode: 'http', reason: 'low-latency' };
  const settings = p2pSettingsFromPage(doc, swarmId, profile);
  return settings ? { mode: 'p2p', settings } : { mode: 'http', reason: 'platform-off' };
}
