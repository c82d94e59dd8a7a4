// The words a page shows for the signalling's refusals and close codes, and for a microphone that
// could not be opened: catalog keys, so both languages say them.
import type { MessageKey } from '../i18n/messages/catalogs.ts';
import { handsCloseCodes, type HandsErrorCode } from './hands-protocol.ts';

export const errorWords: Record<HandsErrorCode, MessageKey> = {
  'signed-out': 'hands.error.signedOut',
  'not-allowed': 'hands.error.notAllowed',
  'no-lesson': 'hands.error.noLesson',
  'lesson-ended': 'hands.error.lessonEnded',
  'bad-message': 'hands.error.badMessage',
  'too-big': 'hands.error.badMessage',
  rate: 'hands.error.rate',
  'not-raised': 'hands.error.notRaised',
  'not-in-call': 'hands.error.notInCall',
  limit: 'hands.error.limit',
  taken: 'hands.error.taken',
  replaced: 'hands.error.replaced',
};

/** Why the connection ended, by the server's close code; anything else: it was lost. */
export function closeWords(code: number): MessageKey {
  const byCode: Record<number, MessageKey> = {
    [handsCloseCodes.signedOut]: 'hands.error.signedOut',
    [handsCloseCodes.notAllowed]: 'hands.error.notAllowed',
    [handsCloseCodes.noLesson]: 'hands.error.noLesson',
    [handsCloseCodes.lessonEnded]: 'hands.error.lessonEnded',
    [handsCloseCodes.replaced]: 'hands.error.replaced',
  };
  return byCode[code] ?? 'hands.error.lost';
}

export const microphoneWords: Record<'denied' | 'missing' | 'unsupported', MessageKey> = {
  denied: 'hands.mic.denied',
  missing: 'hands.mic.missing',
  unsupported: 'hands.mic.unsupported',
};
