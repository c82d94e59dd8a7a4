// Whether this viewer shares segments with other viewers, and how: the tracker and ICE servers come
// from the page (services/web/pages.ts fills them from the configuration and the relay the viewer
// watches through), the lesson may turn peer-to-peer off, and the browser must have WebRTC.
import type { P2pProfile } from './p2p-profile.ts';

export type P2pSettings = {
  /** ws(s):// URL of the tracker beside the viewer's relay. */
  trackerUrl: string;
  iceServers: RTCIceServer[];
  /** One swarm per lesson or recording (p2p-media-loader adds the rendition); the tracker only admits these. */
  swarmId: string;
  /** How far behind the edge to play and how long to wait for peers (p2p-profile.ts). */
  profile: P2pProfile;
};

/** Why a viewer plays over HTTP only. */
export type HttpOnlyReason = 'platform-off' | 'lesson-off' | 'low-latency' | 'no-webrtc';

/** A live lesson's swarm (also its time-shift viewers': the same segments and hash lists). */
export function swarmIdFor(lessonId: string): string {
  return `classcast-${lessonId}`;
}

/** A replay's swarm: services/tracker admits it for recordings its node serves under /vod/<recordingId>/. */
export function replaySwarmIdFor(recordingId: string): string {
  return `classcast-vod-${recordingId}`;
}

/** The tracker URL in the page's meta tag, or null when it is empty (P2P off) or not a ws(s) URL. */
export function parseTrackerUrl(content: string): string | null {
  return /^wss?:\/\/[^\s"'<>]+$/.test(content) ? content : null;
}

/** The ICE servers in the page's meta tag; anything malformed is left out rather than failing playback. */
export function parseIceServers(content: string): RTCIceServer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content || '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((server): server is RTCIceServer => {
    const urls: unknown = (server as { urls?: unknown } | null)?.urls;
    return typeof urls === 'string' || (Array.isArray(urls) && urls.every((url) => typeof url === 'string'));
  });
}

/** Reads the page's settings; null when the platform has peer-to-peer off (no tracker given). */
export function p2pSettingsFromPage(doc: Document, swarmId: string, profile: P2pProfile): P2pSettings | null {
  const meta = (name: string) => doc.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
  const trackerUrl = parseTrackerUrl(meta('classcast-tracker'));
  if (!trackerUrl) return null;
  return { trackerUrl, iceServers: parseIceServers(meta('classcast-ice-servers')), swarmId, profile };
}

/** Whether the browser can open peer connections (some privacy settings and old browsers cannot). */
export function browserHasWebRtc(): boolean {
  return typeof globalThis.RTCPeerConnection === 'function' && typeof globalThis.RTCDataChannel === 'function';
}
