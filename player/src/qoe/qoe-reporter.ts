// Reports how watching goes to the tier the page plays through (POST <relay in use>/api/v1/qoe):
// as soon as the video first plays (so the tiers count the viewer within seconds, and the watch
// page's viewer count includes them), then every 10 s, and once more when the page goes away (sendBeacon, which outlives the page). The
// server aggregates the reports into its metrics and keeps finished sessions for the operators.
// The viewer id is random per page load and identifies nobody; it only ties the reports together.
// The server drew the page with it, signed (the `classcast-viewer` meta tag), and each report
// carries that session, and the playback token of a protected lesson, so the tiers count only
// viewers who loaded a page (and may watch), not ids anyone can make up.
import { createPlaybackClock, type PlaybackEvent } from './playback-clock.ts';

/** What the server accepts (services/stats/qoe-report.ts checks it); counts are since the page loaded. */
export type QoeReportBody = {
  viewerId: string;
  /** The signed viewer session the page was drawn with ('' when it had none). */
  session: string;
  /** The lesson's playback token, for a lesson that needs one. */
  token?: string;
  lessonId: string;
  cityId: number | null;
  schoolId: number | null;
  event: 'periodic' | 'leave';
  startupMs: number | null;
  playingSeconds: number;
  stalledSeconds: number;
  stallCount: number;
  currentRendition: string | null;
  bitrateKbps: number | null;
  httpBytes: number;
  p2pBytesDown: number;
  p2pBytesUp: number;
  errors: number;
};

/** The part of hls.js the reporter reads: the level playing now. */
export type HlsLevels = { currentLevel: number; levels: ReadonlyArray<{ bitrate: number; height: number; name?: string; url?: string[] }> };

export type QoeReporterOptions = {
  /** Where the media comes from now: the relay (or origin) base URL, '' for this page's own origin. */
  mediaBase: () => string;
  lessonId: string;
  video: HTMLVideoElement;
  /** Media bytes by source so far (the delivery stats the stats panel shows). */
  bytes: () => { httpBytes: number; p2pBytesDown: number; p2pBytesUp: number };
  /** The hls.js instance playing now, if any (the browser may play HLS itself). */
  hls?: () => HlsLevels | null;
  /** The lesson's city and school from the catalog, once known. */
  place?: () => { cityId: number | null; schoolId: number | null };
  /** performance.now() when the page asked to play, if before the reporter started. */
  playRequestedAt?: number;
  intervalMs?: number;
  /** The signed viewer session; by default the page's `classcast-viewer` meta tag. */
  session?: string;
  /** The playback token to send now, for a protected lesson (it is renewed while the page plays). */
  token?: () => string | undefined;
};

export type QoeReporter = {
  /** Counts an error the page handled (a fatal hls.js error, a recovery). */
  noteError(): void;
  /** The report that would be sent now (for tests and the stats panel). */
  snapshot(event?: QoeReportBody['event']): QoeReportBody;
  /** Sends the last report and stops. */
  stop(): void;
};

const videoEvents: PlaybackEvent[] = ['play', 'playing', 'waiting', 'pause', 'ended', 'seeking'];

export function startQoeReporter(options: QoeReporterOptions): QoeReporter {
  const session = options.session ?? document.querySelector('meta[name="classcast-viewer"]')?.getAttribute('content') ?? '';
  const viewerId = viewerIdOf(session) ?? randomViewerId();
  // Read at each send: reports follow the viewer to another relay when the page moves there.
  const endpoint = () => `${options.mediaBase().replace(/\/$/, '')}/api/v1/qoe`;
  const clock = createPlaybackClock(options.playRequestedAt ?? (options.video.paused ? undefined : performance.now()));
  let errors = 0;
  let stopped = false;

  const listeners = videoEvents.map((event) => {
    const listener = () => clock.note(event, performance.now(), options.video.seeking);
    options.video.addEventListener(event, listener);
    return () => options.video.removeEventListener(event, listener);
  });
  const onError = () => errors++;
  options.video.addEventListener('error', onError);

  const snapshot = (event: QoeReportBody['event'] = 'periodic'): QoeReportBody => {
    const totals = clock.totals(performance.now());
    const bytes = options.bytes();
    const playing = currentLevel(options.hls?.() ?? null);
    const place = options.place?.() ?? { cityId: null, schoolId: null };
    const token = options.token?.();
    return {
      viewerId,
      session,
      ...(token ? { token } : {}),
      lessonId: options.lessonId,
      cityId: place.cityId,
      schoolId: place.schoolId,
      event,
      startupMs: totals.startupMs === null ? null : Math.round(totals.startupMs),
      playingSeconds: round(totals.playingSeconds),
      stalledSeconds: round(totals.stalledSeconds),
      stallCount: totals.stallCount,
      currentRendition: playing?.name ?? null,
      bitrateKbps: playing ? Math.round(playing.bitrate / 1000) : null,
      httpBytes: Math.round(bytes.httpBytes),
      p2pBytesDown: Math.round(bytes.p2pBytesDown),
      p2pBytesUp: Math.round(bytes.p2pBytesUp),
      errors,
    };
  };

  const send = () => {
    // A report that does not arrive is not worth a retry: the next one carries the same totals.
    void fetch(endpoint(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(snapshot()), keepalive: true, credentials: 'omit' }).catch(() => {});
  };
  const timer = setInterval(send, options.intervalMs ?? 10_000);
  const sendOnFirstPlay = () => {
    options.video.removeEventListener('playing', sendOnFirstPlay);
    if (!stopped) send();
  };
  options.video.addEventListener('playing', sendOnFirstPlay);

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    for (const remove of listeners) remove();
    options.video.removeEventListener('playing', sendOnFirstPlay);
    options.video.removeEventListener('error', onError);
    window.removeEventListener('pagehide', stop);
    // Across origins only a CORS-safelisted type goes without a preflight, which a leaving page never waits for.
    const url = endpoint();
    const sameOrigin = new URL(url, location.href).origin === location.origin;
    const body = new Blob([JSON.stringify(snapshot('leave'))], { type: sameOrigin ? 'application/json' : 'text/plain' });
    navigator.sendBeacon(url, body);
  };
  window.addEventListener('pagehide', stop);

  return { noteError: () => void errors++, snapshot, stop };
}

/** The rendition playing: its name from the playlist URL (`720p/index.m3u8`), else its height. */
function currentLevel(hls: HlsLevels | null): { name: string; bitrate: number } | null {
  const level = hls && hls.currentLevel >= 0 ? hls.levels[hls.currentLevel] : undefined;
  if (!level) return null;
  const fromUrl = level.url?.[0] ? /([A-Za-z0-9_.-]{1,32})\/[^/]*\.m3u8/.exec(level.url[0])?.[1] : undefined;
  return { name: level.name && /^[A-Za-z0-9_.-]{1,32}$/.test(level.name) ? level.name : (fromUrl ?? `${level.height}p`), bitrate: level.bitrate };
}

/** The viewer id a session (`vs1.<id>.<expiry>.<signature>`) was signed for. */
function viewerIdOf(session: string): string | undefined {
  const id = session.split('.')[1];
  return id && /^[a-f0-9]{32}$/.test(id) ? id : undefined;
}

function randomViewerId(): string {
  // crypto.randomUUID needs a secure context; getRandomValues does not, and plain-HTTP schools exist.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
