// What a request under /live names, checked the same way by the origin and by relays: a lesson's
// master playlist, or one of the files the packager publishes in a rendition. Anything else is
// refused before it reaches a disk or an upstream.
import { isSafePathPart } from '../core/media-path.ts';
import { mediaFileKind, type MediaFileKind } from './cache-policy.ts';

export type MediaRequest = { parts: string[]; kind: MediaFileKind; lessonId: string; path: string };
export type MediaRequestError = { status: 400 | 404; message: string; hint: string };

const hint = 'use /live/<lesson>/master.m3u8';

export function parseMediaRequest(parts: string[]): MediaRequest | MediaRequestError {
  const unsafe = parts.find((part) => !isSafePathPart(part));
  if (unsafe !== undefined) return { status: 400, message: `'${unsafe.replace(/[^\x20-\x7e]/g, '?')}' is not a valid media path part`, hint };
  const file = parts[parts.length - 1]!;
  const kind = mediaFileKind(file);
  const isMaster = parts.length === 2 && kind === 'master';
  const isRenditionFile = parts.length === 3 && kind !== undefined && kind !== 'master';
  if (!kind || (!isMaster && !isRenditionFile)) return { status: 404, message: 'no such media file', hint };
  return { parts, kind, lessonId: parts[0]!, path: `/live/${parts.join('/')}` };
}

export function isMediaRequestError(value: MediaRequest | MediaRequestError): value is MediaRequestError {
  return 'status' in value;
}
