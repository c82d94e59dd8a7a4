// The relays the page may fetch media from, in the server's order (<meta name="classcast-relays">,
// services/web/page-relays.ts), which one to try when the one in use fails, and what counts as it
// failing. Pure, so it is tested without a browser.
import { ErrorDetails, ErrorTypes, type ErrorData } from 'hls.js';

/** `media`: base URL, '' for this page's own server; `tracker`: ws(s):// URL beside it, '' for none. */
export type Relay = { media: string; tracker: string };

const mediaPattern = /^https?:\/\/[^\s"'<>/?#]+$/;
const trackerPattern = /^wss?:\/\/[^\s"'<>]+$/;

/**
 * The relays in the meta tag's JSON; malformed entries are left out. `fallback` (the single media
 * base and tracker the page names) is the list when none is left.
 */
export function parseRelays(content: string, fallback: Relay): Relay[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content || '[]');
  } catch {
    parsed = [];
  }
  const relays: Relay[] = [];
  for (const entry of Array.isArray(parsed) ? parsed : []) {
    const { media, tracker } = (entry ?? {}) as { media?: unknown; tracker?: unknown };
    if (typeof media !== 'string' || !mediaPattern.test(media)) continue;
    relays.push({ media, tracker: typeof tracker === 'string' && trackerPattern.test(tracker) ? tracker : '' });
  }
  return relays.length > 0 ? relays : [fallback];
}

/** The relay to try after the one at `current` fails: the next in the list, round to the first. */
export function nextRelayIndex(current: number, count: number): number {
  if (count < 1) throw new RangeError('no relays to choose from');
  return (current + 1) % count;
}

/** `url` (absolute, or relative to this page's server) moved to the relay at `media`. */
export function onRelay(url: string, media: string): string {
  return `${media.replace(/\/+$/, '')}${url.replace(/^https?:\/\/[^/]+/, '')}`;
}

/** HTTP statuses that mean the relay answered "not here (yet)": a lesson's state, not a failing relay. */
const notThereStatuses = new Set([401, 403, 404, 410]);

const loadErrors = new Set<string>([
  ErrorDetails.MANIFEST_LOAD_ERROR,
  ErrorDetails.MANIFEST_LOAD_TIMEOUT,
  ErrorDetails.LEVEL_LOAD_ERROR,
  ErrorDetails.LEVEL_LOAD_TIMEOUT,
  ErrorDetails.AUDIO_TRACK_LOAD_ERROR,
  ErrorDetails.AUDIO_TRACK_LOAD_TIMEOUT,
  ErrorDetails.FRAG_LOAD_ERROR,
  ErrorDetails.FRAG_LOAD_TIMEOUT,
]);

/**
 * Whether an hls.js error is the relay failing to deliver: a playlist or segment that did not load
 * (no answer, a timeout, a 5xx). A relay that answers 404 is up; the lesson is not there yet.
 */
export function isRelayFailure(error: Pick<ErrorData, 'type' | 'details' | 'response'>): boolean {
  if (error.type !== ErrorTypes.NETWORK_ERROR || !loadErrors.has(error.details)) return false;
  return !notThereStatuses.has(error.response?.code ?? 0);
}

export type FailureStreak = {
  /** Notes a failure at `nowMs`; true when it makes `limit` in a row within `windowMs`, or the viewer is stalled. */
  failed(nowMs: number): boolean;
  /** The viewer's buffer ran dry at `nowMs`; true when a failure within `windowMs` is why. */
  stalled(nowMs: number): boolean;
  /** Something loaded: the streak starts again. */
  succeeded(): void;
  /** Media went into the buffer: the viewer plays on. */
  buffered(): void;
};

/**
 * Failures in a row, forgetting those older than `windowMs`, so a slow trickle of errors is no streak.
 * While the viewer is stalled one failure is enough: the relay not answering is then what they are
 * waiting for, and each further failure would only make them wait longer. A failure the buffer rides
 * over (a one-off hiccup) still needs `limit`.
 */
export function createFailureStreak(limit: number, windowMs: number): FailureStreak {
  let times: number[] = [];
  let stalled = false;
  const recent = (nowMs: number) => times.filter((time) => nowMs - time < windowMs);
  const report = () => {
    times = [];
    stalled = false;
    return true;
  };
  return {
    failed(nowMs) {
      times = [...recent(nowMs), nowMs];
      return times.length >= limit || stalled ? report() : false;
    },
    stalled(nowMs) {
      stalled = true;
      return recent(nowMs).length > 0 ? report() : false;
    },
    succeeded() {
      times = [];
    },
    buffered() {
      stalled = false;
    },
  };
}

/** The page's relays (`classcast-relays`), or the single media base and tracker it names. */
export function relaysFromPage(doc: Document): Relay[] {
  const meta = (name: string) => doc.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
  const media = meta('classcast-media-base');
  const tracker = meta('classcast-tracker');
  return parseRelays(meta('classcast-relays'), { media: mediaPattern.test(media) ? media : '', tracker: trackerPattern.test(tracker) ? tracker : '' });
}
