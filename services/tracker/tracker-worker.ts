// The tracker's own thread (started by tracker-thread.ts): bittorrent-tracker and its limits
// (tracker-server.ts) on an HTTP server of their own, listening on loopback only, reached through the
// parent's /tracker, which passes each upgrade's bytes on unread. Whatever a flood of messages costs
// here (framing, scanning, parsing, answering) is spent on this thread's event loop, never on the one
// that carries the node's media. The parent sends the lessons the node carries (when they change,
// and when an announce names a swarm this thread does not know); this thread sends back its counts
// and its log events.
import { createServer, type IncomingMessage } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { errorReplacer, logsAt, type LogFields, type Logger, type LogLevel } from '../core/log.ts';
import { mountTracker, type CarriedLesson, type TrackerStats } from './tracker-server.ts';
import { clientHeader, type FromTracker, type ToTracker, type TrackerThreadData } from './tracker-thread-messages.ts';

const data = workerData as TrackerThreadData;
const port = parentPort!;
const send = (message: FromTracker) => port.postMessage(message);

/** Events go to the parent's logger, which writes them with its role, node and part. */
function parentLogger(base: LogFields = {}): Logger {
  const write = (level: LogLevel) => (event: string, fields: LogFields = {}) => {
    // Below the parent's level nothing is posted: a flood's warnings would cost the parent too.
    if (!logsAt(level, data.logLevel)) return;
    send({ type: 'log', level, event, fields: JSON.parse(JSON.stringify({ ...base, ...fields }, errorReplacer)) as LogFields });
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (fields) => parentLogger({ ...base, ...fields }) };
}

let lessons: CarriedLesson[] = [];
const knownLessons = (): Iterable<CarriedLesson> => lessons;

/** Announces waiting for the parent's answer to want-lessons: one question at a time, answered for all. */
let waiting: Array<(changed: boolean) => void> = [];
let answeredAt = Number.NEGATIVE_INFINITY;
/** A flood of made-up swarms asks at most this often; an answer this fresh stands. */
const askEveryMs = 100;
/** The parent may be busy; an announce does not wait longer than this for it. */
const answerWithinMs = 2000;
const answer = (changed: boolean) => {
  answeredAt = Date.now();
  const settled = waiting;
  waiting = [];
  for (const resolve of settled) resolve(changed);
};
const freshLessons = () =>
  new Promise<boolean>((resolve) => {
    if (waiting.length === 0 && Date.now() - answeredAt < askEveryMs) return resolve(false);
    waiting.push(resolve);
    if (waiting.length > 1) return;
    send({ type: 'want-lessons' });
    setTimeout(() => waiting.includes(resolve) && answer(false), answerWithinMs).unref();
  });

/** The viewer's address, as the parent saw it: only an upgrade the parent passed on carries the secret. */
const clientIpOf = (request: IncomingMessage): string | undefined => {
  const value = request.headers[clientHeader];
  if (typeof value !== 'string') return undefined;
  const [secret, ip] = value.split(' ');
  return secret === data.secret && ip ? ip : undefined;
};

const server = createServer((_request, response) => void response.writeHead(404).end());
const onShut = (request: IncomingMessage) => request.socket.remotePort !== undefined && send({ type: 'shut', port: request.socket.remotePort });
const tracker = mountTracker(server, { knownLessons, freshLessons, onShut, log: parentLogger(), settings: data.settings, ...(data.playback ? { playback: data.playback } : {}), clientIpOf });

let lastStats = '';
const postStats = () => {
  const stats: TrackerStats = tracker.stats();
  const text = JSON.stringify(stats);
  if (text === lastStats) return;
  lastStats = text;
  send({ type: 'stats', stats });
};
// Often enough that /healthz and /metrics lag the tracker by a few tens of milliseconds at most.
const statsTimer = setInterval(postStats, 50);

port.on('message', (message: ToTracker) => {
  if (message.type === 'lessons') {
    lessons = message.lessons;
    if (waiting.length > 0) answer(true);
  } else if (message.type === 'lessons-unchanged') answer(false);
  else if (message.type === 'close') {
    clearInterval(statsTimer);
    tracker.close();
    server.close();
    server.closeAllConnections();
    port.close();
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  send({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
  postStats();
});
