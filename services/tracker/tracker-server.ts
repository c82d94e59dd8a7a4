// The P2P tracker: bittorrent-tracker's WebSocket server (signalling only: viewers exchange WebRTC
// offers and answers through it, never media) on the node's own HTTP server at /tracker. Before the
// tracker sees a message, this mount applies the limits (announce-limits.ts); the tracker's filter
// accepts only the swarms of lessons the node carries (swarm-filter.ts). Idle connections are closed
// and peers that stopped announcing dropped, so a flood leaves nothing behind. A protected lesson's
// swarm is joined only over a connection opened with that lesson's playback token (/tracker?token=),
// checked at the upgrade with the shared secrets alone; a protected replay's, with a `vod` token for
// its recording.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import TrackerServer, { type TrackerSocket } from 'bittorrent-tracker/server';
import type { Logger } from '../core/log.ts';
import type { PlaybackSettings } from '../core/playback-settings.ts';
import { readPlaybackToken } from '../core/playback-token.ts';
import { tokenOf } from '../origin/playback-guard.ts';
import { createAnnounceLimits, type AnnounceLimitSettings } from './announce-limits.ts';
import { createSwarmFilter, type KnownSwarm } from './swarm-filter.ts';
import { liveSwarmId, recordingSwarmId } from './swarm-hashes.ts';

export const trackerPath = '/tracker';

export type TrackerSettings = {
  /** How often viewers re-announce; also how often a peer must be heard from to stay listed. */
  announceIntervalSeconds: number;
  /** A connection silent this long is closed, and a peer not announced this long is dropped. */
  idleSeconds: number;
  maxPeersPerSwarm: number;
  /** Largest message accepted (an announce carries one WebRTC offer per wanted peer). */
  maxMessageBytes: number;
  /** Limited messages in a row after which a connection is closed rather than answered. */
  floodStrikes: number;
  limits: AnnounceLimitSettings;
};

export const defaultTrackerSettings: TrackerSettings = {
  announceIntervalSeconds: 120,
  idleSeconds: 300,
  maxPeersPerSwarm: 2000,
  maxMessageBytes: 256 * 1024,
  floodStrikes: 50,
  limits: {
    // A page announces each stream it plays every interval and answers each offer it gets; joins
    // at a lesson's start come in bursts.
    perConnection: { burst: 100, perSecond: 5 },
    perIp: { burst: 2000, perSecond: 200 },
    connectionsPerIp: 2000,
    peerIdsPerConnection: 32,
  },
};

export type TrackerStats = {
  swarms: number;
  peers: number;
  connections: number;
  announces: number;
  refusedAnnounces: number;
  limitedAnnounces: number;
  refusedConnections: number;
};

export type Tracker = { stats(): TrackerStats; close(): void };

/**
 * A lesson the node carries now (live, or ended and replayable), with the master playlist viewers
 * play; `protected` when its swarm needs a playback token. `scope: 'vod'` is a finished recording's
 * replay, served under /vod/<id>/: `lessonId` is then the recording's id and the swarm is
 * classcast-vod-<id>.
 */
export type CarriedLesson = { lessonId: string; masterPlaylist: string; protected?: boolean; scope?: 'live' | 'vod' };

export type TrackerOptions = {
  knownLessons: () => Iterable<CarriedLesson>;
  log: Logger;
  /** Secrets (and city) to check playback tokens with; without them no protected swarm can be joined. */
  playback?: PlaybackSettings;
  settings?: Partial<TrackerSettings>;
};

export function mountTracker(server: Server, options: TrackerOptions): Tracker {
  const settings = { ...defaultTrackerSettings, ...options.settings };
  const { log } = options;
  const idleMs = settings.idleSeconds * 1000;
  const counters = { announces: 0, refusedAnnounces: 0, limitedAnnounces: 0, refusedConnections: 0 };
  const limits = createAnnounceLimits(settings.limits);
  const filter = createSwarmFilter(() => lessonSwarms(options.knownLessons()), { refreshMs: 5000, missRefreshMs: 100 });
  /** Open connections; `listings` are the "swarm:peer id" pairs each announced, all hex. */
  // tokenLesson: "<scope>:<id>" of the playback token the connection was opened with.
  const connections = new Map<TrackerSocket, { lastMessageAt: number; listings: Set<string>; tokenLesson?: string }>();

  const tracker = new TrackerServer({
    http: false,
    udp: false,
    stats: false,
    ws: { noServer: true, maxPayload: settings.maxMessageBytes, perMessageDeflate: false },
    // bittorrent-tracker tells WebSocket clients a fifth of this.
    interval: settings.announceIntervalSeconds * 5 * 1000,
    peersCacheLength: settings.maxPeersPerSwarm,
    peersCacheTtl: idleMs,
    filter(infoHash, params, callback) {
      // A peer leaving a swarm that exists is always let go, even if its lesson is gone by now.
      const leaving = params.event === 'stopped' && tracker.torrents[infoHash] !== undefined;
      const protectedLesson = filter.allows(infoHash, Date.now()) ? filter.protectedLessonOf(infoHash) : undefined;
      if (!leaving && protectedLesson !== undefined && (!params.socket || connections.get(params.socket)?.tokenLesson !== protectedLesson)) {
        counters.refusedAnnounces++;
        return callback(new Error('this lesson needs a playback token: connect with /tracker?token='));
      }
      if (leaving || filter.allows(infoHash, Date.now())) {
        counters.announces++;
        const listings = params.socket && connections.get(params.socket)?.listings;
        if (listings && !leaving) listings.add(`${infoHash}:${params.peer_id}`);
        return callback(null);
      }
      counters.refusedAnnounces++;
      callback(new Error('unknown swarm: this tracker serves only the lessons its node carries'));
    },
  });
  tracker.on('warning', (error: Error) => log.debug('tracker warning', { error: error.message }));
  tracker.on('error', (error: Error) => log.warn('tracker error', { error }));
  const wss = tracker.ws!;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((request.url ?? '').split('?')[0] !== trackerPath) return refuse(socket, '404 Not Found');
    const ip = clientIp(request);
    if (!limits.hasRoom(ip)) {
      counters.refusedConnections++;
      return refuse(socket, '429 Too Many Requests');
    }
    const token = tokenOf(request.url, {});
    let tokenLesson: string | undefined;
    if (token !== undefined) {
      const read = options.playback ? readPlaybackToken(options.playback.secrets, token, Math.floor(Date.now() / 1000)) : undefined;
      const city = options.playback?.city;
      if (!read?.ok || (read.claims.scope !== 'live' && read.claims.scope !== 'vod') || (read.claims.city !== undefined && city !== undefined && read.claims.city !== city)) {
        counters.refusedConnections++;
        return refuse(socket, '403 Forbidden');
      }
      tokenLesson = tokenKey(read.claims.scope, read.claims.id);
    }
    wss.handleUpgrade(request, socket, head, (webSocket) => {
      wss.emit('connection', webSocket, request);
      admit(webSocket, ip, tokenLesson);
    });
  };

  /** Puts the limits in front of the tracker's own message handler. */
  const admit = (socket: TrackerSocket, ip: string, tokenLesson: string | undefined) => {
    const trackerHandler = socket.onMessageBound;
    if (!trackerHandler) return socket.terminate();
    socket.removeListener('message', trackerHandler);
    const connectionLimits = limits.open(ip, Date.now());
    const record = { lastMessageAt: Date.now(), listings: new Set<string>(), ...(tokenLesson !== undefined ? { tokenLesson } : {}) };
    connections.set(socket, record);
    let strikes = 0;
    let closing = false;
    socket.on('message', (data: Buffer) => {
      const now = Date.now();
      record.lastMessageAt = now;
      if (closing) return void counters.limitedAnnounces++;
      const message = parseMessage(data);
      const verdict = connectionLimits.admit(message?.peerId, now);
      if (verdict === 'ok') {
        strikes = 0;
        return trackerHandler(data);
      }
      counters.limitedAnnounces++;
      if (++strikes > settings.floodStrikes) {
        // After the replies to what was accepted, which the tracker sends on a later tick.
        closing = true;
        return void setImmediate(() => socket.close(1008, 'too many announces'));
      }
      const reason = verdict === 'rate' ? 'too many announces: slow down' : 'too many peer ids on one connection';
      socket.send(JSON.stringify({ action: message?.action ?? 'announce', 'failure reason': reason, ...(message?.infoHash ? { info_hash: message.infoHash } : {}) }));
    });
    socket.on('close', () => {
      connections.delete(socket);
      connectionLimits.close();
      unlist(socket, record.listings);
    });
  };

  /**
   * bittorrent-tracker unlists only a closed socket's first peer id, but a watch page announces a
   * peer id per stream over one socket: the others would stay listed (and be sent offers) until idle.
   */
  const unlist = (socket: TrackerSocket, listings: Set<string>) => {
    for (const listing of listings) {
      const [infoHash, peerId] = listing.split(':') as [string, string];
      const swarm = tracker.torrents[infoHash];
      const peer = swarm?.peers.peek(peerId);
      if (swarm && peer && peer.socket === socket) swarm.announce({ type: 'ws', event: 'stopped', numwant: 0, peer_id: peerId });
    }
  };

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [socket, record] of connections) if (now - record.lastMessageAt > idleMs) socket.terminate();
      for (const [infoHash, swarm] of Object.entries(tracker.torrents)) {
        // peek() drops a peer idle past peersCacheTtl; bittorrent-tracker only does so when asked.
        for (const peerId of swarm.peers.keys) swarm.peers.peek(peerId);
        if (swarm.peers.length === 0) delete tracker.torrents[infoHash];
      }
    },
    Math.max(250, Math.min(idleMs / 4, 15_000)),
  );
  sweep.unref();

  server.on('upgrade', onUpgrade);
  log.info('tracker mounted', { path: trackerPath, announceIntervalSeconds: settings.announceIntervalSeconds, idleSeconds: settings.idleSeconds });

  return {
    stats() {
      let swarms = 0;
      let peers = 0;
      for (const swarm of Object.values(tracker.torrents)) {
        if (swarm.peers.length > 0) swarms++;
        peers += swarm.peers.length;
      }
      return { swarms, peers, connections: connections.size, ...counters };
    },
    close() {
      clearInterval(sweep);
      server.off('upgrade', onUpgrade);
      for (const socket of connections.keys()) socket.terminate();
      tracker.close();
    },
  };
}

function* lessonSwarms(lessons: Iterable<CarriedLesson>): Iterable<KnownSwarm> {
  for (const { lessonId, masterPlaylist, protected: isProtected, scope = 'live' } of lessons) {
    const swarmId = scope === 'vod' ? recordingSwarmId(lessonId) : liveSwarmId(lessonId);
    yield { swarmId, masterPlaylist, ...(isProtected ? { protectedLesson: tokenKey(scope, lessonId) } : {}) };
  }
}

/** What a protected swarm asks of its connection's token: a live lesson's and a replay's ids may coincide. */
function tokenKey(scope: 'live' | 'vod', id: string): string {
  return `${scope}:${id}`;
}

/** The fields the limits need, read without trusting the message; the tracker parses it again for real. */
function parseMessage(data: Buffer): { action?: string; peerId?: string; infoHash?: string } | undefined {
  try {
    const message: unknown = JSON.parse(data.toString('utf8'));
    if (typeof message !== 'object' || message === null) return undefined;
    const { action, peer_id: peerId, info_hash: infoHash } = message as Record<string, unknown>;
    return {
      ...(action === 'announce' || action === 'scrape' ? { action } : {}),
      ...(typeof peerId === 'string' ? { peerId } : {}),
      ...(typeof infoHash === 'string' ? { infoHash } : {}),
    };
  } catch {
    return undefined;
  }
}

function clientIp(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

/** Answers an upgrade we do not take with a plain HTTP status, then hangs up. */
function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
