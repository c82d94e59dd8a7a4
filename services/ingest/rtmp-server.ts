// Our adapter around node-media-server: it owns the listening socket (so a busy port is an error,
// not node-media-server's process.exit), silences its forced debug logging, decides who may
// publish, and hands each accepted publisher to Classcast as a stream of FLV tags. Nothing else in
// Classcast imports node-media-server.
import { createServer, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import Context from 'node-media-server/src/core/context.js';
import nmsLogger from 'node-media-server/src/core/logger.js';
import NodeRtmpServer from 'node-media-server/src/server/rtmp_server.js';
import type { NmsSession, NmsSubscriber } from 'node-media-server/src/session/rtmp_session.js';
import { listen } from '../core/port-check.ts';
import type { Logger } from '../core/log.ts';

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
};

export type RtmpServer = { port: number; close(): Promise<void> };

export async function startRtmpServer(options: RtmpServerOptions): Promise<RtmpServer> {
  const { log } = options;
  silenceNodeMediaServer(log);
  // With no rtmp port in its config, NodeRtmpServer opens no listener of its own; we feed it sockets.
  const nms = new NodeRtmpServer();
  const sockets = new Set<Socket>();
  const refused = new WeakSet<NmsSession>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    nms.handleRequest(socket);
  });

  // node-media-server's events are process-wide; each adapter handles only its own sockets.
  const onPrePublish = (session: NmsSession) => {
    if (!sockets.has(session.socket)) return;
    const attempt = { app: session.streamApp, streamKey: session.streamName, remoteAddress: session.socket.remoteAddress ?? '' };
    const decision = session.streamApp === 'live' ? options.authorize(attempt) : { accept: false as const, reason: `unknown application '${session.streamApp}' (publish to rtmp://host/live/<stream key>)` };
    if (!decision.accept) {
      refused.add(session);
      log.warn('publish refused', { remoteAddress: attempt.remoteAddress, app: attempt.app, reason: decision.reason });
      session.socket.destroy();
    }
  };
  const onPostPublish = (session: NmsSession) => {
    if (!sockets.has(session.socket) || refused.has(session)) return;
    // node-media-server announces postPublish before refusing a second publisher on a busy path.
    if (session.broadcast.publisher !== null && session.broadcast.publisher !== session) {
      log.warn('publish refused', { remoteAddress: session.socket.remoteAddress, reason: 'this stream key is already publishing' });
      return;
    }
    options.onPublish(publisherFor(session, log));
  };
  Context.eventEmitter.on('prePublish', onPrePublish);
  Context.eventEmitter.on('postPublish', onPostPublish);

  let port: number;
  try {
    port = await listen(server, options.port, options.host, 'rtmp.port');
  } catch (error) {
    Context.eventEmitter.off('prePublish', onPrePublish);
    Context.eventEmitter.off('postPublish', onPostPublish);
    throw error;
  }
  log.info('rtmp listening', { host: options.host, port });

  return {
    port,
    close: async () => {
      Context.eventEmitter.off('prePublish', onPrePublish);
      Context.eventEmitter.off('postPublish', onPostPublish);
      for (const socket of sockets) socket.destroy();
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
