// The raised-hand signalling: a WebSocket at /hands?lesson=<id> on the catalog's HTTP server. The
// session cookie (or Bearer token) says who connects, the lesson says what they are to it
// (hands-access.ts): a student raises and lowers a hand; the lesson's console (its teacher, its
// school's admins) sees the queue and accepts, mutes and ends calls, at most hands.maxAccepted at
// once (hand-queue.ts). Once a hand is accepted, the student's page and the console exchange their
// WebRTC offer, answer and ICE candidates through here, and the audio flows between the two
// browsers directly (or through the configured TURN server). Every message is bounded in size
// (the socket's maxPayload) and rate (a token bucket per connection); a connection that keeps
// sending what is refused is closed. A refusal is a message in words and a close code, so the page
// can say why. Queues live in this process's memory: a lesson's students and console must reach the
// same catalog node (docs/classroom.md says how a province routes them).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Account } from '../catalog/auth/account.ts';
import { readSessionToken } from '../catalog/auth/session-cookie.ts';
import { findSessionAccount } from '../catalog/auth/sessions.ts';
import { corsVerdict } from '../catalog/api/api-cors.ts';
import type { Database } from '../catalog/db/database.ts';
import { getLesson } from '../catalog/queries/lessons.ts';
import type { HandsConfig } from '../core/config/schema.ts';
import { clientAddress } from '../core/client-address.ts';
import type { Logger } from '../core/log.ts';
import { onUpgradePath, refuseUpgrade } from '../core/upgrade-paths.ts';
import { createTokenBucket, type RateLimit, type TokenBucket } from '../core/token-bucket.ts';
import { handsCloseCodes, handsPath, type ClientMessage, type HandsErrorCode, type HandsRole, type ServerMessage } from '../../player/src/hands/hands-protocol.ts';
import { readClientMessage } from './client-messages.ts';
import { handsRoleOf } from './hands-access.ts';
import { auditHandAction } from './hands-audit.ts';
import { createHandQueue, type Hand, type HandQueue, type QueueRefusal } from './hand-queue.ts';
import { iceServersFor } from './turn-credentials.ts';

export type HandsLimits = {
  /** Largest message; a larger one closes the connection (1009). An offer with its candidates is 2 to 6 KB. */
  maxMessageBytes: number;
  /** Messages per connection: a call's set-up sends an offer or answer and a dozen candidates at once. */
  messages: RateLimit;
  /** Refused messages in a row after which the connection is closed (1008). */
  strikes: number;
  /** A connection that has not answered a ping in this long is cut. */
  pingSeconds: number;
  /** How often each lesson with connections is read again: once it has ended, its calls end and its pages are told. */
  lessonCheckSeconds: number;
};

export const defaultHandsLimits: HandsLimits = { maxMessageBytes: 32 * 1024, messages: { burst: 60, perSecond: 10 }, strikes: 20, pingSeconds: 30, lessonCheckSeconds: 15 };

export type HandsStats = {
  raised: number;
  accepted: number;
  endedCalls: number;
  activeCalls: number;
  waitingHands: number;
  connections: number;
  refusedConnections: number;
  refusedMessages: number;
};

export type HandsSignalling = { stats(): HandsStats; close(): void };

export type HandsOptions = {
  db: Database;
  log: Logger;
  settings: HandsConfig;
  /** Origins of other sites allowed to connect (catalog.allowedOrigins), besides this one. */
  allowedOrigins?: readonly string[];
  publicUrl?: string | undefined;
  limits?: Partial<HandsLimits>;
};

type Peer = { id: string; socket: WebSocket; account: Account; role: HandsRole; ip: string | null; bucket: TokenBucket; strikes: number; alive: boolean; replaced: boolean };
type Room = { lessonId: string; queue: HandQueue; students: Map<number, Peer>; consoles: Map<string, Peer> };

const refusalWords: Record<QueueRefusal, string> = {
  'not-raised': 'that student has no hand raised',
  'not-in-call': 'that hand is not in a call',
  limit: 'this lesson already has as many calls as it may hold at once: end one first',
  taken: 'another console took that hand',
};

export function mountHandsSignalling(server: Server, options: HandsOptions): HandsSignalling {
  const limits = { ...defaultHandsLimits, ...options.limits };
  const { log, settings, db } = options;
  const rooms = new Map<string, Room>();
  const counters = { raised: 0, accepted: 0, endedCalls: 0, refusedConnections: 0, refusedMessages: 0 };
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });

  const send = (peer: Peer | undefined, message: ServerMessage) => {
    if (peer && peer.socket.readyState === peer.socket.OPEN) peer.socket.send(JSON.stringify(message));
  };
  const refuseWith = (socket: WebSocket, code: HandsErrorCode, message: string, closeCode: number) => {
    counters.refusedConnections++;
    socket.send(JSON.stringify({ type: 'error', code, message } satisfies ServerMessage));
    socket.close(closeCode, message.slice(0, 120));
  };

  const sendQueue = (room: Room) => {
    for (const holder of room.consoles.values()) {
      const hands = room.queue.hands().map((hand) => ({ studentId: hand.studentId, name: hand.name, raisedAt: hand.raisedAt, state: hand.state, muted: hand.muted, mine: hand.acceptedBy === holder.id }));
      send(holder, { type: 'queue', hands, maxAccepted: settings.maxAccepted });
    }
  };
  /** Tells every waiting student where they stand (one place up when a hand ahead leaves the queue). */
  const sendPositions = (room: Room) => {
    for (const hand of room.queue.hands()) {
      if (hand.state === 'waiting') send(room.students.get(hand.studentId), { type: 'hand', state: 'waiting', position: room.queue.position(hand.studentId)! });
    }
  };
  const handDown = (room: Room, hand: Hand | undefined, ended: 'teacher' | 'lowered' | 'console-left') => {
    if (hand?.state === 'accepted') counters.endedCalls++;
    send(room.students.get(hand?.studentId ?? -1), { type: 'hand', state: 'down', ...(hand?.state === 'accepted' ? { ended } : {}) });
    sendQueue(room);
    sendPositions(room);
  };

  const onMessage = (room: Room, peer: Peer, data: Buffer) => {
    if (!peer.bucket.take(Date.now())) return strike(peer, 'rate', 'too many messages: slow down');
    const read = readClientMessage(data.toString('utf8'));
    if ('problem' in read) return strike(peer, 'bad-message', `not a message this server takes: ${read.problem}`);
    const message = read.message;
    const allowed = peer.role === 'student' ? ['raise', 'lower', 'signal'] : ['accept', 'mute', 'end', 'signal'];
    if (!allowed.includes(message.type)) return strike(peer, 'not-allowed', peer.role === 'student' ? 'only the lesson\'s teacher and its school\'s admins accept, mute and end calls' : 'a console does not raise a hand');
    peer.strikes = 0;
    if (peer.role === 'student') onStudentMessage(room, peer, message);
    else onConsoleMessage(room, peer, message);
  };

  const onStudentMessage = (room: Room, peer: Peer, message: ClientMessage) => {
    const studentId = peer.account.id;
    if (message.type === 'raise') {
      const fresh = room.queue.get(studentId) === undefined;
      room.queue.raise(studentId, peer.account.displayName, Date.now());
      if (fresh) counters.raised++;
      const hand = room.queue.get(studentId)!;
      send(peer, hand.state === 'accepted' ? { type: 'hand', state: 'accepted', muted: hand.muted } : { type: 'hand', state: 'waiting', position: room.queue.position(studentId)! });
      sendQueue(room);
    } else if (message.type === 'lower') {
      handDown(room, room.queue.lower(studentId) ?? { studentId, name: '', raisedAt: 0, state: 'waiting', muted: false }, 'lowered');
    } else if (message.type === 'signal') {
      const hand = room.queue.get(studentId);
      if (hand?.state !== 'accepted' || !hand.acceptedBy) return send(peer, { type: 'error', code: 'not-in-call', message: 'your hand is not in a call' });
      send(room.consoles.get(hand.acceptedBy), { type: 'signal', studentId, signal: message.signal });
    }
  };

  const onConsoleMessage = (room: Room, peer: Peer, message: ClientMessage) => {
    if (message.type === 'signal') {
      const hand = message.studentId === undefined ? undefined : room.queue.get(message.studentId);
      if (hand?.state !== 'accepted' || hand.acceptedBy !== peer.id) return send(peer, { type: 'error', code: 'not-in-call', message: 'this console has no call with that student' });
      return send(room.students.get(hand.studentId), { type: 'signal', studentId: hand.studentId, signal: message.signal });
    }
    if (message.type !== 'accept' && message.type !== 'mute' && message.type !== 'end') return;
    const { studentId } = message;
    const mine = room.queue.get(studentId);
    if (message.type !== 'accept' && mine?.state === 'accepted' && mine.acceptedBy !== peer.id) return send(peer, { type: 'error', code: 'taken', message: refusalWords.taken });
    const result = message.type === 'accept' ? room.queue.accept(studentId, peer.id) : message.type === 'mute' ? room.queue.mute(studentId, message.muted) : room.queue.end(studentId);
    if (typeof result === 'string') return send(peer, { type: 'error', code: result, message: refusalWords[result] });
    if (message.type === 'accept') {
      counters.accepted++;
      send(room.students.get(studentId), { type: 'hand', state: 'accepted', muted: result.muted });
      sendQueue(room);
      sendPositions(room);
    } else if (message.type === 'mute') {
      send(room.students.get(studentId), { type: 'hand', state: 'accepted', muted: result.muted });
      sendQueue(room);
    } else handDown(room, result, 'teacher');
    const action = message.type === 'mute' ? (message.muted ? 'mute' : 'unmute') : message.type;
    auditHandAction(db, { actor: peer.account, action, lessonId: room.lessonId, studentId, clientIp: peer.ip }).catch((error: unknown) => log.warn('hand action not written to the audit log', { lesson: room.lessonId, action, error }));
  };

  const strike = (peer: Peer, code: HandsErrorCode, message: string) => {
    counters.refusedMessages++;
    send(peer, { type: 'error', code, message });
    if (++peer.strikes > limits.strikes) peer.socket.close(handsCloseCodes.abuse, 'too many refused messages');
  };

  const leave = (room: Room, peer: Peer) => {
    if (peer.role === 'student') {
      if (room.students.get(peer.account.id) === peer) {
        room.students.delete(peer.account.id);
        const hand = room.queue.lower(peer.account.id);
        if (hand) handDown(room, hand, 'lowered');
      }
    } else {
      room.consoles.delete(peer.id);
      for (const hand of room.queue.endCallsOf(peer.id)) handDown(room, hand, 'console-left');
    }
    if (room.students.size === 0 && room.consoles.size === 0) rooms.delete(room.lessonId);
  };

  /** Who is connecting, to which lesson; refuses in words (and a close code) what may not go on. */
  const admit = async (socket: WebSocket, request: IncomingMessage, lessonId: string) => {
    const token = readSessionToken(request);
    const account = token ? await findSessionAccount(db, token) : null;
    if (!account) return refuseWith(socket, 'signed-out', 'sign in to raise a hand or to hold the lesson\'s console', handsCloseCodes.signedOut);
    const found = await getLesson(db, lessonId);
    if (!found) return refuseWith(socket, 'no-lesson', `no lesson ${lessonId}`, handsCloseCodes.noLesson);
    if (found.lesson.state === 'ended') return refuseWith(socket, 'lesson-ended', 'this lesson has ended: hands are for lessons not yet over', handsCloseCodes.lessonEnded);
    const role = handsRoleOf(account, { schoolId: found.lesson.schoolId, visibility: found.lesson.visibility, teacherAccountId: found.teacherAccountId });
    if (!role) return refuseWith(socket, 'not-allowed', 'only students who may watch this lesson raise hands, and only its teacher and its school\'s admins hold its console', handsCloseCodes.notAllowed);
    if (socket.readyState !== socket.OPEN) return;
    const room = rooms.get(lessonId) ?? { lessonId, queue: createHandQueue(settings.maxAccepted), students: new Map(), consoles: new Map() };
    rooms.set(lessonId, room);
    const ip = request.socket.remoteAddress ? clientAddress(request.socket.remoteAddress) : null;
    const peer: Peer = { id: randomUUID(), socket, account, role, ip, bucket: createTokenBucket(limits.messages, Date.now()), strikes: 0, alive: true, replaced: false };
    if (role === 'student') {
      // The same student on a second page: the newer page takes over, and the hand starts again.
      const before = room.students.get(account.id);
      if (before) {
        before.replaced = true;
        room.students.delete(account.id);
        const hand = room.queue.lower(account.id);
        if (hand) handDown(room, hand, 'lowered');
        send(before, { type: 'error', code: 'replaced', message: 'this lesson is open on another page of yours: its hand is there now' });
        before.socket.close(handsCloseCodes.replaced, 'opened on another page');
      }
      room.students.set(account.id, peer);
    } else room.consoles.set(peer.id, peer);
    const iceServers = iceServersFor(settings.iceServers, settings.turnSecret, account.id, Math.floor(Date.now() / 1000), settings.turnCredentialSeconds);
    send(peer, { type: 'welcome', role, you: { id: account.id, name: account.displayName }, lessonId, iceServers, maxAccepted: settings.maxAccepted });
    if (role === 'console') sendQueue(room);
    else send(peer, { type: 'hand', state: 'down' });
    socket.on('message', (data: Buffer) => onMessage(room, peer, data));
    socket.on('pong', () => (peer.alive = true));
    socket.on('close', () => {
      if (!peer.replaced) leave(room, peer);
      else if (room.students.size === 0 && room.consoles.size === 0) rooms.delete(room.lessonId);
    });
    log.debug('hands connection', { lesson: lessonId, role, account: account.id });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://here');
    const lessonId = url.searchParams.get('lesson') ?? '';
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(lessonId)) {
      counters.refusedConnections++;
      return refuseUpgrade(socket, '400 Bad Request');
    }
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const verdict = corsVerdict({ origin: header('origin'), host: header('host'), secFetchSite: header('sec-fetch-site'), forwardedHost: header('x-forwarded-host') }, options.allowedOrigins ?? [], options.publicUrl);
    if (verdict === 'refused') {
      counters.refusedConnections++;
      return refuseUpgrade(socket, '403 Forbidden');
    }
    wss.handleUpgrade(request, socket, head, (webSocket) => {
      sockets.add(webSocket);
      webSocket.on('close', () => sockets.delete(webSocket));
      webSocket.on('error', (error: Error & { code?: string }) => {
        if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') counters.refusedMessages++;
      });
      admit(webSocket, request, lessonId).catch((error: unknown) => {
        log.error('hands connection failed', { lesson: lessonId, error });
        webSocket.close(1011, 'server error: try again');
      });
    });
  };

  // Pings find pages that went away without closing (a laptop lid shut): their hands come down.
  const pinger = setInterval(() => {
    for (const room of rooms.values()) {
      for (const peer of [...room.students.values(), ...room.consoles.values()]) {
        if (!peer.alive) peer.socket.terminate();
        else {
          peer.alive = false;
          peer.socket.ping();
        }
      }
    }
  }, limits.pingSeconds * 1000);
  pinger.unref();

  // A lesson that ends (End lesson now, or its encoder gone past the grace) takes its hands with it.
  const lessonCheck = setInterval(() => {
    for (const room of rooms.values()) {
      getLesson(db, room.lessonId).then(
        (found) => {
          if (found && found.lesson.state !== 'ended') return;
          for (const peer of [...room.students.values(), ...room.consoles.values()]) {
            send(peer, { type: 'error', code: 'lesson-ended', message: 'this lesson has ended: its hands are down' });
            peer.socket.close(handsCloseCodes.lessonEnded, 'the lesson has ended');
          }
        },
        (error: unknown) => log.warn('could not read a lesson with raised hands', { lesson: room.lessonId, error }),
      );
    }
  }, limits.lessonCheckSeconds * 1000);
  lessonCheck.unref();

  const unmount = onUpgradePath(server, handsPath, onUpgrade);
  log.info('hands signalling mounted', { path: handsPath, maxAccepted: settings.maxAccepted, iceServers: settings.iceServers.length });

  return {
    stats() {
      let activeCalls = 0;
      let waitingHands = 0;
      for (const room of rooms.values()) {
        const accepted = room.queue.accepted();
        activeCalls += accepted;
        waitingHands += room.queue.hands().length - accepted;
      }
      return { ...counters, activeCalls, waitingHands, connections: sockets.size };
    },
    close() {
      clearInterval(pinger);
      clearInterval(lessonCheck);
      unmount();
      for (const socket of sockets) socket.terminate();
      wss.close();
    },
  };
}
