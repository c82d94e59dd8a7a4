// The P2P tracker: bittorrent-tracker's WebSocket server (signalling only: viewers exchange WebRTC
// offers and answers through it, never media) on the node's own HTTP server at /tracker. Before the
// tracker sees a message, this mount bounds what reading it may cost, on the event loop that also
// serves the media: a size cap (the WebSocket's maxPayload), message and byte budgets per connection
// and per address (announce-limits.ts), and a one-pass scan of its shape (message-scan.ts); only then
// does the tracker parse it, once. A connection that sends what no real page sends is closed unread.
// The tracker's filter accepts only the swarms of lessons the node carries (swarm-filter.ts), a few
// peer ids per connection and a few offers per announce; a scrape is answered only for the swarms it
// names. Idle connections are closed and peers that stopped announcing dropped, so a flood leaves
// nothing behind. A protected lesson's swarm is joined only over a connection opened with that
// lesson's playback token (/tracker?token=), checked at the upgrade with the shared secrets alone; a
// protected replay's, with a `vod` token for its recording.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import TrackerServer, { type TrackerSocket } from 'bittorrent-tracker/server';
import type { Logger } from '../core/log.ts';
import { clientAddress } from '../core/client-address.ts';
import { onUpgradePath, refuseUpgrade } from '../core/upgrade-paths.ts';
import type { PlaybackSettings } from '../core/config/playback-settings.ts';
import { readPlaybackToken } from '../core/playback-token.ts';
import { tokenOf } from '../origin/playback-guard.ts';
import { createAnnounceLimits, type AnnounceLimitSettings, type ConnectionLimits } from './announce-limits.ts';
import { scanMessage, type MessageShape } from './message-scan.ts';
import { createSwarmFilter, type KnownSwarm } from './swarm-filter.ts';
import { liveSwarmId, recordingSwarmId } from './swarm-hashes.ts';

export const trackerPath = '/tracker';

export type TrackerSettings = {
  /** How often viewers re-announce; also how often a peer must be heard from to stay listed. */
  announceIntervalSeconds: number;
  /** A connection silent this long is closed, and a peer not announced this long is dropped. */
  idleSeconds: number;
  maxPeersPerSwarm: number;
  /**
   * Largest message accepted; a larger one closes the connection (1009). An announce carries one
   * WebRTC offer per wanted peer, at most 5 from bittorrent-tracker's client (p2p-media-loader's): a
   * Chromium offer is about 0.7 KB plus 0.13 KB per ICE candidate, so a real announce weighs 4 to 20 KB.
   */
  maxMessageBytes: number;
  /** Nesting and object/array count a message may have; one beyond closes the connection (1008) unread. */
  messageShape: MessageShape;
  /** Offers one announce may carry (each is sent on to a peer); bittorrent-tracker's client sends at most 5. */
  maxOffersPerAnnounce: number;
  /** Info hashes one scrape is answered for, at most, and only swarms the connection could join; none named: an empty answer. */
  maxScrapeInfoHashes: number;
  /** Limited messages (or announces with one peer id too many) in a row after which a connection is closed rather than answered. */
  floodStrikes: number;
  limits: AnnounceLimitSettings;
};

export const defaultTrackerSettings: TrackerSettings = {
  announceIntervalSeconds: 120,
  idleSeconds: 300,
  maxPeersPerSwarm: 2000,
  maxMessageBytes: 64 * 1024,
  messageShape: { maxDepth: 8, maxContainers: 64 },
  maxOffersPerAnnounce: 10,
  maxScrapeInfoHashes: 32,
  floodStrikes: 50,
  limits: {
    // A page announces each stream it plays every interval and answers each offer it gets; joins
    // at a lesson's start come in bursts. Bytes: a real announce is under 20 KB, an answer about 1 KB.
    perConnection: { burst: 100, perSecond: 5 },
    perIp: { burst: 2000, perSecond: 200 },
    bytesPerConnection: { burst: 512 * 1024, perSecond: 32 * 1024 },
    bytesPerIp: { burst: 16 * 1024 * 1024, perSecond: 1024 * 1024 },
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
  /** Messages refused unread (over the size or shape bounds); each closed its connection. */
  refusedMessages: number;
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
  /**
   * The viewer's address, which the per-address limits count by; undefined refuses the connection.
   * By default the socket's peer: the tracker thread (tracker-thread.ts) is reached through its parent.
   */
  clientIpOf?: (request: IncomingMessage) => string | undefined;
  /**
   * Brings `knownLessons` up to date, settling true when it changed. Given, an announce for a swarm
   * not known waits for it before it is refused: the tracker thread's list comes from its parent,
   * and a viewer announces as soon as it has the master playlist (tracker-thread.ts).
   */
  freshLessons?: () => Promise<boolean>;
  /** Told when the tracker stops reading a connection it is closing (the tracker thread's parent stops passing its bytes on). */
  onShut?: (request: IncomingMessage) => void;
};

export function mountTracker(server: Server, options: TrackerOptions): Tracker {
  const settings = { ...defaultTrackerSettings, ...options.settings };
  // Limits given without byte budgets keep the default ones.
  const limitSettings = { ...defaultTrackerSettings.limits, ...settings.limits };
  for (const budget of [limitSettings.bytesPerConnection, limitSettings.bytesPerIp]) {
    if (budget && budget.burst < settings.maxMessageBytes) throw new Error(`tracker byte budgets must hold one message of maxMessageBytes (${settings.maxMessageBytes}): raise their burst`);
  }
  const { log } = options;
  const idleMs = settings.idleSeconds * 1000;
  const counters = { announces: 0, refusedAnnounces: 0, limitedAnnounces: 0, refusedMessages: 0, refusedConnections: 0 };
  const limits = createAnnounceLimits(limitSettings);
  const filter = createSwarmFilter(() => lessonSwarms(options.knownLessons()), { refreshMs: 5000, missRefreshMs: 100 });
  const connections = new Map<TrackerSocket, Connection>();

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
      const connection = params.socket && connections.get(params.socket);
      if (connection && !connection.limits.admitPeerId(params.peer_id)) {
        counters.limitedAnnounces++;
        connection.strike();
        return callback(new Error('too many peer ids on one connection'));
      }
      connection?.clearStrikes();
      // Our declaration of AnnounceParams leaves offers out (services/tracker/bittorrent-tracker.d.ts).
      const { offers } = params as { offers?: unknown };
      if (Array.isArray(offers) && offers.length > settings.maxOffersPerAnnounce) {
        counters.refusedAnnounces++;
        return callback(new Error(`too many offers: at most ${settings.maxOffersPerAnnounce} an announce`));
      }
      // A peer leaving a swarm that exists is always let go, even if its lesson is gone by now.
      const leaving = params.event === 'stopped' && tracker.torrents[infoHash] !== undefined;
      const decide = () => {
        const protectedLesson = filter.allows(infoHash, Date.now()) ? filter.protectedLessonOf(infoHash) : undefined;
        if (!leaving && protectedLesson !== undefined && connection?.tokenLesson !== protectedLesson) {
          counters.refusedAnnounces++;
          return callback(new Error('this lesson needs a playback token: connect with /tracker?token='));
        }
        if (leaving || filter.allows(infoHash, Date.now())) {
          counters.announces++;
          if (connection && !leaving) connection.listings.add(`${infoHash}:${params.peer_id}`);
          return callback(null);
        }
        counters.refusedAnnounces++;
        callback(new Error('unknown swarm: this tracker serves only the lessons its node carries'));
      };
      if (leaving || filter.allows(infoHash, Date.now()) || !options.freshLessons) return decide();
      options.freshLessons().then(
        (changed) => {
          if (changed) filter.refresh(Date.now());
          decide();
        },
        () => decide(),
      );
    },
  });
  keepOneSwarmPerHash(tracker);
  tracker.on('warning', (error: Error) => log.debug('tracker warning', { error: error.message }));
  tracker.on('error', (error: Error) => log.warn('tracker error', { error }));
  const wss = tracker.ws!;
  guardScrape(tracker, (infoHashes, socket) => {
    const tokenLesson = socket && connections.get(socket)?.tokenLesson;
    const now = Date.now();
    // Only swarms this connection could announce to: a protected lesson's needs its token.
    return infoHashes.slice(0, settings.maxScrapeInfoHashes).filter((infoHash) => {
      if (!filter.allows(infoHash, now)) return false;
      const protectedLesson = filter.protectedLessonOf(infoHash);
      return protectedLesson === undefined || protectedLesson === tokenLesson;
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const ip = (options.clientIpOf ?? socketIp)(request);
    if (ip === undefined) {
      counters.refusedConnections++;
      return refuse(socket, '403 Forbidden');
    }
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
      admit(webSocket, ip, tokenLesson, request);
    });
  };

  /** Puts the limits in front of the tracker's own message handler. */
  const admit = (socket: TrackerSocket, ip: string, tokenLesson: string | undefined, request: IncomingMessage) => {
    const trackerHandler = socket.onMessageBound;
    if (!trackerHandler) return socket.terminate();
    socket.removeListener('message', trackerHandler);
    let strikes = 0;
    let closing = false;
    /**
     * Stops reading the connection (what a client sends after this would still cost us its frames),
     * closes it after the replies already sent, and cuts it if it has not closed soon after.
     */
    const shut = (code: number, reason: string) => {
      closing = true;
      options.onShut?.(request);
      setImmediate(() => {
        socket.close(code, reason);
        // ws's pause(), which our declaration of TrackerSocket leaves out (bittorrent-tracker.d.ts).
        // After ws's own handling of a refused frame, which resumes reading to drain the socket.
        (socket as TrackerSocket & { pause(): void }).pause();
      });
      setTimeout(() => socket.terminate(), closeGraceMs).unref();
    };
    const connection: Connection = {
      lastMessageAt: Date.now(),
      listings: new Set<string>(),
      limits: limits.open(ip, Date.now()),
      strike() {
        if (++strikes > settings.floodStrikes && !closing) shut(1008, 'too many announces');
      },
      clearStrikes() {
        strikes = 0;
      },
      ...(tokenLesson !== undefined ? { tokenLesson } : {}),
    };
    connections.set(socket, connection);
    socket.on('message', (data: Buffer) => {
      const now = Date.now();
      connection.lastMessageAt = now;
      if (closing) return void counters.limitedAnnounces++;
      const verdict = connection.limits.admit(data.length, now);
      if (verdict === 'bytes') {
        // More than a real page sends: reading on would only cost us.
        counters.limitedAnnounces++;
        return shut(1008, 'too many bytes');
      }
      if (verdict !== 'ok') {
        counters.limitedAnnounces++;
        connection.strike();
        // The message is not read, so the reply names no swarm: a real client takes it as a warning at most.
        if (!closing) socket.send(JSON.stringify({ action: 'announce', 'failure reason': verdict === 'rate' ? 'too many announces: slow down' : 'too many bytes from this address: slow down' }));
        return;
      }
      const flaw = scanMessage(data, settings.messageShape);
      if (flaw !== undefined) {
        counters.refusedMessages++;
        return shut(1008, `malformed message: ${flaw}`);
      }
      trackerHandler(data);
    });
    socket.on('error', (error: Error & { code?: string }) => {
      // ws has refused a message over maxPayload, and closes the connection (1009) but reads on.
      if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
      counters.refusedMessages++;
      if (!closing) shut(1009, 'message too big');
    });
    socket.on('close', () => {
      connections.delete(socket);
      connection.limits.close();
      unlist(socket, connection.listings);
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

  const unmount = onUpgradePath(server, trackerPath, onUpgrade);
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
      unmount();
      for (const socket of connections.keys()) socket.terminate();
      tracker.close();
    },
  };
}

/** An open tracker connection, as the limits and the filter see it. */
type Connection = {
  lastMessageAt: number;
  /** The "swarm:peer id" pairs it announced, all hex. */
  listings: Set<string>;
  /** "<scope>:<id>" of the playback token the connection was opened with. */
  tokenLesson?: string;
  limits: ConnectionLimits;
  /** Counts a limited message; too many in a row close the connection. */
  strike(): void;
  /** An announce within the limits: the row of strikes is broken. */
  clearStrikes(): void;
};

/** How long a connection we closed may take to say goodbye before it is cut. */
const closeGraceMs = 1000;

type ScrapeParams = { info_hash?: string[]; socket?: TrackerSocket };
type ScrapeHandler = (params: ScrapeParams, callback: (error: Error | null, response?: unknown) => void) => void;

/**
 * bittorrent-tracker answers a scrape that names no info hash with every swarm it has, and one that
 * names some with their peer counts, whatever they are. Its _onScrape is wrapped so a scrape is
 * answered only for the info hashes `answerable` keeps of those it names (none: an empty answer).
 */
function guardScrape(tracker: TrackerServer, answerable: (infoHashes: string[], socket: TrackerSocket | undefined) => string[]): void {
  const internals = tracker as unknown as { _onScrape?: ScrapeHandler };
  const scrape = internals._onScrape;
  if (typeof scrape !== 'function') throw new Error('bittorrent-tracker has no _onScrape to guard any more: check services/tracker/tracker-server.ts against its server.js');
  internals._onScrape = (params, callback) => {
    scrape.call(tracker, { ...params, info_hash: answerable(params.info_hash ?? [], params.socket) }, callback);
  };
}

type SwarmMaker = (infoHash: string | Uint8Array, callback: (error: Error | null, swarm?: unknown) => void) => void;

/**
 * bittorrent-tracker looks a swarm up and creates it a tick later, so announces to a new swarm that
 * pass the filter together (several peer ids of one page, or announces that waited for the lessons:
 * freshLessons) each create it, and each replaces the last, its peers with it. Its createSwarm is
 * replaced by one that keeps the swarm another announce has just created.
 */
function keepOneSwarmPerHash(tracker: TrackerServer): void {
  const internals = tracker as unknown as { createSwarm?: SwarmMaker; torrents: Record<string, unknown> };
  const Swarm = (TrackerServer as unknown as { Swarm?: new (infoHash: string, server: TrackerServer) => unknown }).Swarm;
  if (typeof internals.createSwarm !== 'function' || typeof Swarm !== 'function') {
    throw new Error('bittorrent-tracker has no createSwarm or Swarm to wrap any more: check services/tracker/tracker-server.ts against its server.js');
  }
  internals.createSwarm = (infoHash, callback) => {
    const key = typeof infoHash === 'string' ? infoHash : Buffer.from(infoHash).toString('hex');
    process.nextTick(() => callback(null, (internals.torrents[key] ??= new Swarm(key, tracker))));
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

export function socketIp(request: IncomingMessage): string {
  return clientAddress(request.socket.remoteAddress);
}

/** Answers an upgrade we do not take with a plain HTTP status, then hangs up. */
export const refuse = refuseUpgrade;
