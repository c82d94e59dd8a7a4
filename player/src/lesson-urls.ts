// Where the watch page finds its lesson: the id is the last segment of /watch/<lessonId>, and the
// lesson's HLS master playlist is served by the media base the server put in the page (the viewer's
// city relay), or by this origin when there is none.

/** Lesson ids the server accepts (services/core/media-path.ts): a plain name, no dots-only tricks. */
const lessonIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The lesson id in a /watch/<lessonId> path, or null when the path does not name one. */
export function lessonIdFromPath(pathname: string): string | null {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  if (segments.length < 2) return null;
  let id: string;
  try {
    id = decodeURIComponent(segments[segments.length - 1] ?? '');
  } catch {
    return null;
  }
  return lessonIdPattern.test(id) && !id.includes('..') ? id : null;
}

/** The lesson's live master playlist (the live window only): what the teacher's console plays. */
export function masterPlaylistUrl(lessonId: string, mediaBase = ''): string {
  return `${mediaBase.replace(/\/+$/, '')}/live/${encodeURIComponent(lessonId)}/master.m3u8`;
}

/** The lesson's time-shift master playlist (every rendition's whole lesson so far): what the watch page plays. */
export function timeShiftMasterUrl(lessonId: string, mediaBase = ''): string {
  return `${mediaBase.replace(/\/+$/, '')}/live/${encodeURIComponent(lessonId)}/master-timeshift.m3u8`;
}

/** The media base from `<meta name="classcast-media-base">`, or '' for this origin. */
export function mediaBaseFromPage(doc: Document): string {
  const content = doc.querySelector<HTMLMetaElement>('meta[name="classcast-media-base"]')?.content ?? '';
  return /^https?:\/\/[^\s"'<>]+$/.test(content) ? content : '';
}

/**
 * The master playlist the server named in `<meta name="classcast-master-url">`: the replay page's
 * (/vod/...); null on /watch, which plays the lesson's time-shift playlists.
 */
export function masterUrlFromPage(doc: Document): string | null {
  const content = doc.querySelector<HTMLMetaElement>('meta[name="classcast-master-url"]')?.content ?? '';
  return /^(https?:\/\/[^\s"'<>/]+)?\/(live|vod)\/[^\s"'<>]+\.m3u8$/.test(content) ? content : null;
}

/** Whether a master playlist URL (relative, or on a relay) is a recording's replay under /vod/. */
export function isReplayUrl(masterUrl: string): boolean {
  return /^(https?:\/\/[^/]+)?\/vod\//.test(masterUrl);
}

/**
 * The viewer's own master playlist on this page's server (services/web/routed-master-routes.ts):
 * every variant on each of the page's relays in turn, so the browser's own HLS fails over by itself.
 */
export function redundantMasterUrl(pagePath: string): string {
  return `${pagePath.replace(/\/+$/, '')}/master.m3u8`;
}
