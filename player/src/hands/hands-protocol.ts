// The raised-hand signalling protocol: the JSON messages a student's page, a teacher's console and
// the catalog's WebSocket at /hands?lesson=<id> exchange (services/hands/hands-signalling.ts). One
// shared description, so the server and both pages agree on every field. Media never passes here:
// only the call's WebRTC offer, answer and ICE candidates, relayed between its two browsers.

export const handsPath = '/hands';

/** Who a connection is for one lesson: a student raises a hand; a console (the lesson's teacher or its school's admins) accepts. */
export type HandsRole = 'student' | 'console';

/** A hand as the console sees it: waiting in the queue, or accepted (in a call). */
export type QueuedHand = { studentId: number; name: string; raisedAt: number; state: 'waiting' | 'accepted'; muted: boolean; mine: boolean };

/** What travels between the call's two browsers: a session description or an ICE candidate (null: no more candidates). */
export type CallSignal =
  | { sdp: { type: 'offer' | 'answer'; sdp: string } }
  | { candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null } | null };

export type IceServerOption = { urls: string | string[]; username?: string; credential?: string };

/** Why a request was refused, for the page to say in words (the message is English, for logs and scripts). */
export type HandsErrorCode =
  | 'signed-out'
  | 'not-allowed'
  | 'no-lesson'
  | 'lesson-ended'
  | 'bad-message'
  | 'too-big'
  | 'rate'
  | 'not-raised'
  | 'not-in-call'
  | 'limit'
  | 'taken'
  | 'replaced';

export type ServerMessage =
  | { type: 'welcome'; role: HandsRole; you: { id: number; name: string }; lessonId: string; iceServers: IceServerOption[]; maxAccepted: number }
  /** To a student: their own hand. `position` counts from 1 among the waiting hands. */
  | { type: 'hand'; state: 'down' | 'waiting' | 'accepted'; position?: number; muted?: boolean; ended?: 'teacher' | 'lowered' | 'console-left' }
  /** To a console: the whole queue, waiting hands in the order raised. */
  | { type: 'queue'; hands: QueuedHand[]; maxAccepted: number }
  /** From the other end of a call: `studentId` names the call on a console's side. */
  | { type: 'signal'; studentId: number; signal: CallSignal }
  | { type: 'error'; code: HandsErrorCode; message: string };

export type ClientMessage =
  | { type: 'raise' }
  | { type: 'lower' }
  | { type: 'accept'; studentId: number }
  | { type: 'mute'; studentId: number; muted: boolean }
  | { type: 'end'; studentId: number }
  /** A student's signal goes to the console that accepted it; a console's to the student it names. */
  | { type: 'signal'; studentId?: number; signal: CallSignal };

/** WebSocket close codes the server ends a connection with, so a page can say why. */
export const handsCloseCodes = { signedOut: 4401, notAllowed: 4403, noLesson: 4404, lessonEnded: 4410, replaced: 4409, tooBig: 1009, abuse: 1008 } as const;

export function handsSocketUrl(location: Pick<Location, 'protocol' | 'host'>, lessonId: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${handsPath}?lesson=${encodeURIComponent(lessonId)}`;
}
