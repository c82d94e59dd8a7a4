// Our adapter around node-media-server: it owns the listening socket (so a busy port is an error,
// not node-media-server's process.exit), silences its forced debug logging, decides who may
// publish, and hands each accepted publisher to Classcast as a stream of FLV tags. Owning the socket
// also lets it meet hostile clients before node-media-server sees a byte: connection and publisher
// caps that keep room for encoders however many half-open connections arrive (rtmp-admission.ts),
// handshake and idle timeouts, a chunk-level guard on message sizes that also refuses RTMP play
// (rtmp-chunk-guard.ts), and a catch around node-media-server's parser so one bad client never takes
// the process down. Nothing else in Classcast imports node-media-server.
import { createServer, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import Context from 'node-media-server/src/core/context.js';
import nmsLogger from 'node-media-server/src/core/logger.js';
import NodeRtmpServer from 'node-media-server/src/server/rtmp_server.js';
import type { NmsSession, NmsSubscriber } from 'node-media-server/src/session/rtmp_session.js';
import { listen } from '../core/port-check.ts';
import { clientAddress } from '../core/client-address.ts';
import type { Logger } from '../core/log.ts';
import { createRtmpAdmission, type AdmittedConnection } from './rtmp-admission.ts';
import { createChunkGuard } from './rtmp-chunk-guard.ts';
import { defaultRtmpLimits, type RtmpLimits } from './rtmp-limits.ts';
import { createRefusalCounter, type RtmpRefusalCounts, type RtmpRefusalReason } from './rtmp-refusals.ts';

export type PublishAttempt = { app: string; streamKey: string; remoteAddress: string };
export type PublishDecision = { accept: true } | { accept: false; reason: string };

/** An accepted RTMP publish, seen as the FLV tags it sends. */
export type Publisher = {
  sessionId: string;
  streamKey: string;
  remoteAddress: string;
  /** Source facts the encoder announced in its onMetaData (0 when it sent none). */
  announced(): { width: number; height: number; fps: number };
  bytesReceived(): number;
  onTag(listener: (tag: Buffer) => void): void;
  onClose(listener: () => void): void;
  close(): void;
};

export type RtmpServerOptions = {
  host: string;
  port: number;
  log: Logger;
  authorize(attempt: PublishAttempt): PublishDecision;
  onPublish(publisher: Publisher): void;
  /** Caps, timeouts and message bounds (the config's `rtmp` section); any left out take their defaults. */
  limits?: Partial<RtmpLimits>;
};

export type RtmpServer = {
  port: number;
  /** Connections refused or closed for hostile or broken input, by reason, since start. */
  refusals(): RtmpRefusalCounts;
  /** Open connections, those of them not publishing yet, and accepted publishers now. */
  load(): { connections: number; pending: number; publishers: number };
  close(): Promise<void>;
};

/** What the adapter knows of one admitted socket. */
type Connection = {
  address: string;
  /** Its hold on the connection caps: pending until its publish is accepted. */
  admitted: AdmittedConnection;
  /** Holds a publisher slot (taken at prePublish, given back when the socket closes). */
  publishSlot: boolean;
  /** An accepted publisher: may send media, up to maxMessageBytes a message. */
  publisher: boolean;
  handshakeTimer: NodeJS.Timeout;
  idleTimer: NodeJS.Timeout;
};

export async function startRtmpServer(options: RtmpServerOptions): Promise<RtmpServer> {
  const { log } = options;
  silenceNodeMediaServer(log);
  // With no rtmp port in its config, NodeRtmpServer opens no listener of its own; we feed it sockets.
  const nms = new NodeRtmpServer();
  const limits: RtmpLimits = { ...defaultRtmpLimits, ...options.limits };
  const admission = createRtmpAdmission(limits);
  const refusals = createRefusalCounter();
  const connections = new Map<Socket, Connection>();
  const refused = new WeakSet<NmsSession>();

  const closeFor = (socket: Socket, reason: RtmpRefusalReason, detail?: string) => {
    if (socket.destroyed) return;
    refusals.add(reason);
    // Debug only: a flood would otherwise flood the log too; the counts are what operators watch.
    log.debug('rtmp connection closed', { reason, remoteAddress: socket.remoteAddress, ...(detail ? { detail } : {}) });
    socket.destroy();
  };

  // Nothing in Classcast plays over RTMP (viewers watch HLS at /live/<lesson>/...), and a play names
  // a stream key, so every attempt is refused and logged with who made it.
  const refusePlay = (socket: Socket) => {
    if (socket.destroyed) return;
    log.warn('rtmp play refused', { remoteAddress: socket.remoteAddress, reason: 'RTMP play is not served; watch the lesson over HLS (/live/<lesson>/master.m3u8)' });
    closeFor(socket, 'play-refused');
  };

  const server = createServer((socket) => {
    socket.on('error', () => {}); // A reset from a refused or evicted client is expected, not a fault.
    const address = clientAddress(socket.remoteAddress);
    const verdict = admission.connect(address, () => closeFor(socket, 'handshake-evicted'));
    if ('refused' in verdict) {
      closeFor(socket, verdict.refused);
      return;
    }
    const connection: Connection = {
      address,
      admitted: verdict.admitted,
      publishSlot: false,
      publisher: false,
      handshakeTimer: setTimeout(() => closeFor(socket, 'handshake-timeout'), limits.handshakeTimeoutSeconds * 1000).unref(),
      idleTimer: setTimeout(() => closeFor(socket, 'idle-timeout'), limits.idleTimeoutSeconds * 1000).unref(),
    };
    connections.set(socket, connection);
    socket.on('close', () => {
      clearTimeout(connection.handshakeTimer);
      clearTimeout(connection.idleTimer);
      connections.delete(socket);
      connection.admitted.release();
      if (connection.publishSlot) admission.unpublish(address);
    });

    nms.handleRequest(socket);
    // node-media-server reads the socket through one 'data' listener (RtmpSession.onData). Take it
    // and call it ourselves, behind the chunk guard and inside a catch: its parser throws on some
    // malformed input (AMF, a bad tcUrl, a short control message) from inside a socket event, which
    // would otherwise be an uncaught exception that ends the process.
    const [parse, ...others] = socket.listeners('data') as Array<(data: Buffer) => void>;
    if (!parse || others.length > 0) {
      log.error('node-media-server no longer reads RTMP sockets through one data listener; revisit rtmp-server.ts');
      socket.destroy();
      return;
    }
    socket.removeListener('data', parse);
    const guard = createChunkGuard(limits);
    const forward = (bytes: Buffer) => {
      try {
        parse(bytes);
      } catch (error) {
        closeFor(socket, 'malformed', error instanceof Error ? error.message : String(error));
      }
      return !socket.destroyed;
    };
    socket.on('data', (data: Buffer) => {
      connection.idleTimer.refresh();
      const refusal = guard.scan(data, { forward, isPublisher: () => connection.publisher });
      if (refusal === 'play-refused') refusePlay(socket);
      else if (refusal) closeFor(socket, refusal);
    });
  });

  // node-media-server's events are process-wide; each adapter handles only its own sockets.
  const refusePublish = (session: NmsSession, reason: RtmpRefusalReason, why: string) => {
    refused.add(session);
    log.warn('publish refused', { remoteAddress: session.socket.remoteAddress, app: session.streamApp, reason: why });
    closeFor(session.socket, reason);
  };
  const onPrePublish = (session: NmsSession) => {
    const connection = connections.get(session.socket);
    if (!connection) return;
    if (connection.publishSlot) return refusePublish(session, 'publish-refused', 'this connection is already publishing');
    const overCap = admission.publish(connection.address);
    if (overCap) return refusePublish(session, overCap, overCap === 'ip-publishers' ? `more than ${limits.maxPublishersPerIp} publishers from this address` : `this node carries ${limits.maxPublishers} publishers already`);
    connection.publishSlot = true;
    const attempt = { app: session.streamApp, streamKey: session.streamName, remoteAddress: session.socket.remoteAddress ?? '' };
    const decision = session.streamApp === 'live' ? options.authorize(attempt) : { accept: false as const, reason: `unknown application '${session.streamApp}' (publish to rtmp://host/live/<stream key>)` };
    if (!decision.accept) refusePublish(session, 'publish-refused', decision.reason);
  };
  const onPostPublish = (session: NmsSession) => {
    const connection = connections.get(session.socket);
    if (!connection || refused.has(session)) return;
    // node-media-server announces postPublish before refusing a second publisher on a busy path.
    if (session.broadcast.publisher !== null && session.broadcast.publisher !== session) {
      log.warn('publish refused', { remoteAddress: session.socket.remoteAddress, reason: 'this stream key is already publishing' });
      return;
    }
    connection.publisher = true;
    connection.admitted.established();
    clearTimeout(connection.handshakeTimer);
    options.onPublish(publisherFor(session, log));
  };
  // The chunk guard refuses play commands before node-media-server reads them; this catches any it
  // would read that the guard does not recognise, before a byte of media is sent.
  const onPrePlay = (session: NmsSession) => {
    if (connections.has(session.socket)) refusePlay(session.socket);
  };
  Context.eventEmitter.on('prePublish', onPrePublish);
  Context.eventEmitter.on('postPublish', onPostPublish);
  Context.eventEmitter.on('prePlay', onPrePlay);

  let port: number;
  try {
    port = await listen(server, options.port, options.host, 'rtmp.port');
  } catch (error) {
    Context.eventEmitter.off('prePublish', onPrePublish);
    Context.eventEmitter.off('postPublish', onPostPublish);
    Context.eventEmitter.off('prePlay', onPrePlay);
    throw error;
  }
  log.info('rtmp listening', { host: options.host, port, ...limits });

  return {
    port,
    refusals: () => refusals.counts(),
    load: () => admission.counts(),
    close: async () => {
      Context.eventEmitter.off('prePublish', onPrePublish);
      Context.eventEmitter.off('postPublish', onPostPublish);
      Context.eventEmitter.off('prePlay', onPrePlay);
      for (const socket of connections.keys()) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Taps the publisher's broadcast with an internal FLV subscriber, the way node-media-server records. */
function publisherFor(session: NmsSession, log: Logger): Publisher {
  const tagListeners: Array<(tag: Buffer) => void> = [];
  const closeListeners: Array<() => void> = [];
  let attaching = true;
  const tap: NmsSubscriber = {
    id: `classcast-${randomUUID()}`,
    ip: '',
    protocol: 'flv',
    streamPath: session.streamPath,
    endTime: 0,
    sendBuffer: (buffer) => {
      // While attaching, node-media-server replays its caches, which after a quick reconnect still
      // hold the previous publisher's frames. The new publisher sends fresh headers, so skip them.
      if (attaching) return;
      for (const listener of tagListeners) listener(buffer);
    },
    close: () => session.socket.destroy(),
  };
  const error = session.broadcast.postPlay(tap);
  attaching = false;
  if (error) log.error('rtmp tap failed', { error });
  session.socket.once('close', () => {
    session.broadcast.donePlay(tap);
    for (const listener of closeListeners) listener();
  });
  return {
    sessionId: session.id,
    streamKey: session.streamName,
    remoteAddress: session.socket.remoteAddress ?? '',
    announced: () => ({ width: session.videoWidth || 0, height: session.videoHeight || 0, fps: session.videoFramerate || 0 }),
    bytesReceived: () => session.inBytes,
    onTag: (listener) => tagListeners.push(listener),
    onClose: (listener) => (session.socket.destroyed ? queueMicrotask(listener) : closeListeners.push(listener)),
    close: () => session.socket.destroy(),
  };
}

let silenced = false;
/** node-media-server forces its logger to debug and prints plain text; route it to our debug level. */
function silenceNodeMediaServer(log: Logger): void {
  if (silenced) return;
  silenced = true;
  nmsLogger.level = 'error';
  nmsLogger.log = (message: string, level = 'info') => log.debug('node-media-server', { level, message });
}
