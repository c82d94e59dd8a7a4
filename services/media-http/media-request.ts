// What a request under /live or /vod names, checked the same way by the origin and by relays: a
// lesson's (or a replay's) master playlist or poster, one of the files the packager publishes in a
// rendition, or the seek-bar thumbnail track and its sprites in the `thumbnails` folder. Anything
// else is refused before it reaches a disk or an upstream.
import { isSafePathPart } from '../core/media-path.ts';
import { mediaFileKind, thumbnailsFolder, type MediaFileKind } from './cache-policy.ts';

/** 'live': a lesson, live or ended (/live/<lesson>/...); 'vod': a finished recording's replay (/vod/<recording>/...). */
export type MediaSpace = 'live' | 'vod';

/** `lessonId` is the first path part: the lesson under /live, the recording under /vod. */
export type MediaRequest = { space: MediaSpace; parts: string[]; kind: MediaFileKind; lessonId: string; path: string };
export type MediaRequestError = { status: 400 | 404; message: string; hint: string };

const hints: Record<MediaSpace, string> = { live: 'use /live/<lesson>/master.m3u8', vod: 'use /vod/<recording>/master.m3u8' };

export function parseMediaRequest(parts: string[], space: MediaSpace = 'live'): MediaRequest | MediaRequestError {
  const hint = hints[space];
  const unsafe = parts.find((part) => !isSafePathPart(part));
  if (unsafe !== undefined) return { status: 400, message: `'${unsafe.replace(/[^\x20-\x7e]/g, '?')}' is not a valid media path part`, hint };
  const file = parts[parts.length - 1]!;
  const kind = mediaFileKind(file);
  // A lesson's own files: its master playlist, its poster and, live only, its questions and
  // comments and its viewer count (a replay is counted with its lesson while live only).
  const isTopFile =
    parts.length === 2 && (kind === 'master' || kind === 'poster' || ((kind === 'qa-feed' || kind === 'viewers') && space === 'live'));
  const isPictureFile = kind === 'thumbnail-track' || kind === 'sprite';
  const lessonWide = kind === 'master' || kind === 'poster' || kind === 'qa-feed' || kind === 'viewers';
  // Each kind only in its own place: pictures only in the thumbnails folder, media never there.
  const isThumbnailFile = parts.length === 3 && parts[1] === thumbnailsFolder && isPictureFile;
  const isRenditionFile = parts.length === 3 && parts[1] !== thumbnailsFolder && kind !== undefined && !lessonWide && !isPictureFile;
  if (!kind || (!isTopFile && !isThumbnailFile && !isRenditionFile)) return { status: 404, message: 'no such media file', hint };
  // A replay has no time-shift files: its own playlists already cover all of it.
  if (space === 'vod' && /timeshift/.test(file)) return { status: 404, message: 'no such media file', hint };
  return { space, parts, kind, lessonId: parts[0]!, path: `/${space}/${parts.join('/')}` };
}

/**
 * The playlist a relay should follow and prefetch from for this request, if any: a live lesson's
 * sliding window. A viewer of the time-shift list (the watch page plays it, to seek over the whole
 * lesson) makes the relay follow the same rendition's sliding window, which lists the same new
 * segments; following the time-shift list itself or a replay would fetch the whole lesson at once.
 */
export function followedPlaylist(media: MediaRequest): string | undefined {
  if (media.space !== 'live' || media.kind !== 'media-playlist') return undefined;
  const file = media.parts.at(-1);
  if (file === 'index.m3u8') return media.path;
  return file === 'timeshift.m3u8' ? media.path.replace(/timeshift\.m3u8$/, 'index.m3u8') : undefined;
}

export function isMediaRequestError(value: MediaRequest | MediaRequestError): value is MediaRequestError {
  return 'status' in value;
}
