// Every notice the watch page shows a viewer over the player, in words (in the page's language), and
// how an hls.js error maps to one. Pure, so it is tested without a browser.
import { ErrorTypes, type ErrorData } from 'hls.js';
import { t } from './i18n/i18n.ts';
import type { MessageKey } from './i18n/messages/catalogs.ts';

export type Notice =
  | 'lesson-not-started'
  | 'switching-relay'
  | 'network-lost'
  | 'media-error'
  | 'playback-failed'
  | 'unsupported-browser'
  | 'no-lesson-id'
  | 'sign-in-needed'
  | 'not-allowed'
  | 'lesson-ended';

/** What `document.body.dataset.playerState` says; tests and styles read it. */
export type PlayerState = 'loading' | 'waiting' | 'switching' | 'playing' | 'error' | 'ended';

export const noticeKeys: Record<Notice, MessageKey> = {
  'lesson-not-started': 'player.lesson-not-started',
  'switching-relay': 'player.switching-relay',
  'network-lost': 'player.network-lost',
  'media-error': 'player.media-error',
  'playback-failed': 'player.playback-failed',
  'unsupported-browser': 'player.unsupported-browser',
  'no-lesson-id': 'player.no-lesson-id',
  'sign-in-needed': 'player.sign-in-needed',
  'not-allowed': 'player.not-allowed',
  'lesson-ended': 'player.lesson-ended',
};

export function noticeMessage(notice: Notice): string {
  return t(noticeKeys[notice]);
}

export const noticeStates: Record<Notice, PlayerState> = {
  'lesson-not-started': 'waiting',
  'switching-relay': 'switching',
  'network-lost': 'error',
  'media-error': 'error',
  'playback-failed': 'error',
  'unsupported-browser': 'error',
  'no-lesson-id': 'error',
  'sign-in-needed': 'error',
  'not-allowed': 'error',
  'lesson-ended': 'ended',
};

/** Notices that go away on their own once the player gets going again. */
export function isRetrying(notice: Notice): boolean {
  return notice === 'lesson-not-started' || notice === 'network-lost' || notice === 'switching-relay';
}

/** Notices that tell of no problem: the lesson ended, or the player moves to another relay that answers. */
export function isProblem(notice: Notice): boolean {
  return notice !== 'lesson-ended' && notice !== 'switching-relay';
}

/** Notices after which nothing plays until the viewer reloads the page. */
export function isFinal(notice: Notice): boolean {
  return noticeStates[notice] === 'error' && !isRetrying(notice);
}

/** HTTP statuses that mean "this lesson's playlists are not there (yet)", as opposed to a failure. */
const notThereStatuses = new Set([403, 404, 410]);

/**
 * The notice for an hls.js error, or null when hls.js is still handling it (non-fatal errors).
 * A missing playlist before anything played means the lesson has not started; after that, the
 * stream going away looks to a viewer like a lost connection, and the player keeps trying.
 */
export function noticeForHlsError(
  error: Pick<ErrorData, 'type' | 'fatal' | 'response'>,
  hasPlayed: boolean,
): Notice | null {
  if (!error.fatal) return null;
  switch (error.type) {
    case ErrorTypes.NETWORK_ERROR: {
      const status = error.response?.code ?? 0;
      return notThereStatuses.has(status) && !hasPlayed ? 'lesson-not-started' : 'network-lost';
    }
    case ErrorTypes.MEDIA_ERROR:
      return 'media-error';
    default:
      return 'playback-failed';
  }
}

/** The notice for an error the <video> element reported while the browser played HLS itself. */
export function noticeForNativeError(hasPlayed: boolean): Notice {
  // Native HLS hides the HTTP status, so a missing lesson and a lost connection look the same.
  return hasPlayed ? 'network-lost' : 'lesson-not-started';
}
