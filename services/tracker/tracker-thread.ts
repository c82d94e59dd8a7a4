// The P2P tracker on a thread of its own, so that what its messages cost never stalls the event loop
// that carries the node's media (RTMP intake, packaging, serving segments). A tracker is open to
// anyone and its traffic comes in floods; once, one message pattern cost the whole process 12-41 s.
//
// Viewers still connect to /tracker on the node's own port. This thread takes the upgrade, checks
// only the path, and passes the connection's bytes both ways to the tracker thread's loopback
// server (tracker-worker.ts), with the viewer's address in a header only this thread can write (the
// per-address limits count by it). Of the viewer's bytes it reads only the frame headers, so a frame
// longer than the tracker takes is refused here before it is copied across (frame-gate.ts); passing
// the rest on costs a read and a write per chunk. Scanning, parsing and answering messages all
// happen over there, and when the tracker closes a connection, the viewer is no longer read.
//
// The tracker thread learns the lessons the node carries from here (polled a few times a second,
// and at once when it meets a swarm it does not know), and sends back its counts (stats(), for
// /metrics and /healthz) and its log events. If it dies, it is started again.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { logLevel } from '../core/log.ts';
import { onUpgradePath } from '../core/upgrade-paths.ts';
import { closeFrame, createFrameGate } from './frame-gate.ts';
import { defaultTrackerSettings, refuse, socketIp, trackerPath, type Tracker, type TrackerOptions, type TrackerStats } from './tracker-server.ts';
import { clientHeader, type FromTracker, type ToTracker, type TrackerThreadData } from './tracker-thread-messages.ts';

/** How often the lessons the node carries are offered to the tracker thread (sent only when they changed). */
const lessonsEveryMs = 250;
/** A tracker thread that died is started again after this, and at most this often. */
const restartDelayMs = 1000;
/** How long a viewer's side may take to take the tracker's last bytes once the tracker's side closed. */
const closeGraceMs = 2000;

const noStats: TrackerStats = { swarms: 0, peers: 0, connections: 0, announces: 0, refusedAnnounces: 0, limitedAnnounces: 0, refusedMessages: 0, refusedConnections: 0 };

export async function startTrackerThread(server: Server, options: TrackerOptions): Promise<Tracker> {
  const { log } = options;
  const secret = randomBytes(24).toString('base64url');
  const data: TrackerThreadData = { settings: options.settings ?? {}, ...(options.playback ? { playback: options.playback } : {}), logLevel: logLevel(), secret };
  const maxMessageBytes = options.settings?.maxMessageBytes ?? defaultTrackerSettings.maxMessageBytes;
  /** Messages refused on this thread for their frame's length (frame-gate.ts), counted with the tracker's own. */
  let refusedHere = 0;
  const passing = new Set<Duplex>();
  /** The viewer's socket behind each connection to the tracker thread, by this side's port. */
  const viewers = new Map<number, Duplex>();
  let stats = noStats;
  let closed = false;
  let current: { worker: Worker; port: number } | undefined;
  let lastLessons = '';

  /** Sends the lessons when they changed; `answer`: the thread asked, and hears either way. */
  const offerLessons = (worker: Worker, answer = false) => {
    const lessons = [...options.knownLessons()];
    const text = JSON.stringify(lessons);
    if (text !== lastLessons) {
      lastLessons = text;
      worker.postMessage({ type: 'lessons', lessons } satisfies ToTracker);
    } else if (answer) worker.postMessage({ type: 'lessons-unchanged' } satisfies ToTracker);
  };

  /** Starts the tracker thread; settles with its loopback port once it listens. */
  const spawn = () =>
    new Promise<{ worker: Worker; port: number }>((resolve, reject) => {
      const worker = new Worker(bootstrap, { eval: true, workerData: data });
      let listening = false;
      worker.on('message', (message: FromTracker) => {
        if (message.type === 'listening') {
          listening = true;
          lastLessons = '';
          offerLessons(worker);
          resolve({ worker, port: message.port });
        } else if (message.type === 'stats') stats = message.stats;
        else if (message.type === 'want-lessons') offerLessons(worker, true);
        else if (message.type === 'shut') {
          // What a refused viewer sends next would only cost this thread: it is no longer read.
          const viewer = viewers.get(message.port);
          viewer?.removeAllListeners('data');
          viewer?.pause();
        }
        else if (message.type === 'log') log[message.level](message.event, message.fields);
      });
      worker.on('error', (error) => {
        log.error('tracker thread failed', { error });
        if (!listening) reject(error);
      });
      worker.on('exit', (code) => {
        if (current?.worker === worker) current = undefined;
        if (closed || !listening) return;
        log.warn('tracker thread exited; starting it again', { code });
        setTimeout(() => {
          if (closed) return;
          spawn().then(
            (started) => (closed ? void started.worker.terminate() : (current = started)),
            (error: unknown) => log.error('tracker thread could not start again', { error }),
          );
        }, restartDelayMs).unref();
      });
    });

  current = await spawn();
  const poll = setInterval(() => current && offerLessons(current.worker), lessonsEveryMs);
  poll.unref();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!current) return refuse(socket, '503 Service Unavailable');
    const upstream = connect(current.port, '127.0.0.1');
    upstream.setNoDelay(true);
    (socket as Socket).setNoDelay?.(true);
    passing.add(socket);
    socket.on('error', () => socket.destroy());
    upstream.on('error', () => upstream.destroy());
    // The tracker's side hung up: what it wrote last (a close frame, with its code) reaches the
    // viewer first, so the viewer's side is ended, not cut, unless it will not take the bytes.
    upstream.on('close', () => {
      // Nothing more is read from the viewer: a flood's bytes after the close would cost this thread.
      socket.off('data', forward);
      socket.pause();
      socket.end();
      setTimeout(() => socket.destroy(), closeGraceMs).unref();
    });
    upstream.once('connect', () => upstream.localPort !== undefined && viewers.set(upstream.localPort, socket));
    socket.on('close', () => {
      passing.delete(socket);
      if (upstream.localPort !== undefined) viewers.delete(upstream.localPort);
      upstream.destroy();
    });
    upstream.write(requestHead(request, `${secret} ${socketIp(request)}`));
    // The viewer's bytes go on only while every frame is within the tracker's limit: a longer one is
    // refused here (1009, as the tracker would), before megabytes of it are copied across.
    const gate = createFrameGate(maxMessageBytes);
    const forward = (chunk: Buffer) => {
      if (gate.feed(chunk) === 'too-big') {
        refusedHere++;
        socket.off('data', forward);
        socket.pause();
        upstream.destroy();
        socket.end(closeFrame(1009));
        setTimeout(() => socket.destroy(), closeGraceMs).unref();
        return;
      }
      if (!upstream.write(chunk)) socket.pause();
    };
    upstream.on('drain', () => socket.resume());
    if (head.length > 0) forward(head);
    socket.on('data', forward);
    upstream.pipe(socket);
  };
  const unmount = onUpgradePath(server, trackerPath, onUpgrade);
  log.info('tracker mounted on its own thread', { path: trackerPath });

  return {
    stats: () => ({ ...stats, refusedMessages: stats.refusedMessages + refusedHere }),
    close() {
      closed = true;
      clearInterval(poll);
      unmount();
      for (const socket of passing) socket.destroy();
      if (current) {
        current.worker.postMessage({ type: 'close' } satisfies ToTracker);
        void current.worker.terminate();
      }
    },
  };
}

/**
 * The upgrade request as the viewer sent it, for the tracker thread's server to read again, with
 * the viewer's address in `clientHeader`: any such header the viewer sent is dropped.
 */
function requestHead(request: IncomingMessage, client: string): string {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    if (raw[index]!.toLowerCase() !== clientHeader) lines.push(`${raw[index]}: ${raw[index + 1]}`);
  }
  lines.push(`${clientHeader}: ${client}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * The tracker thread runs our TypeScript as the process does (bin/classcast.js, or tests under
 * `--import tsx`): tsx is registered in the thread first, then its module is imported.
 */
const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./tracker-worker.ts', import.meta.url).href)}); })`;
