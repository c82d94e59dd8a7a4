// A viewer as the tracker sees one: a real WebSocket client speaking bittorrent-tracker's JSON
// protocol by hand (its own Client needs WebRTC, which Node lacks), with 20-byte binary strings for
// info hashes and peer ids.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

export type TrackerReply = {
  action?: string;
  'failure reason'?: string;
  info_hash?: string;
  peer_id?: string;
  complete?: number;
  incomplete?: number;
  interval?: number;
  offer?: unknown;
  offer_id?: string;
  answer?: unknown;
};

export type TrackerPeer = {
  replies: TrackerReply[];
  send(message: Record<string, unknown>): void;
  announce(infoHashHex: string, peerId: string, extra?: Record<string, unknown>): void;
  /** The next reply (after `from`, by index) that `match` accepts. */
  reply(match: (reply: TrackerReply) => boolean, from?: number, timeoutMs?: number): Promise<TrackerReply>;
  closed: Promise<number>;
  close(): void;
};

/** A 20-character peer id, as p2p-media-loader makes them (ASCII). */
export function randomPeerId(): string {
  return randomBytes(15).toString('base64').slice(0, 20);
}

export function randomInfoHash(): string {
  return randomBytes(20).toString('hex');
}

export const binary = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');

export function connectPeer(url: string): Promise<TrackerPeer> {
  const socket = new WebSocket(url);
  const replies: TrackerReply[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    replies.push(JSON.parse(data.toString('utf8')) as TrackerReply);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const peer: TrackerPeer = {
    replies,
    send: (message) => socket.send(JSON.stringify(message)),
    announce(infoHashHex, peerId, extra = {}) {
      peer.send({ action: 'announce', info_hash: binary(infoHashHex), peer_id: peerId, numwant: 0, uploaded: 0, downloaded: 0, left: 1, event: 'started', offers: [], ...extra });
    },
    reply(match, from = 0, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = replies.slice(from).find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching tracker reply within ${timeoutMs} ms; got ${JSON.stringify(replies.slice(from)).slice(0, 500)}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    closed,
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve(peer));
    socket.on('error', reject);
  });
}
