// Flood clients for tracker-costly-messages.test.ts, run as a child process so that building and
// sending their messages does not share the event loop whose latency the test measures. Argument:
// a JSON FloodPlan. Each connection sends its messages one after another (the next once the previous
// is written), stops when the server closes it, and waits a bounded time for that close after its
// last message. Prints one JSON line: a FloodOutcome per connection.
import WebSocket from 'ws';
import { binary, randomPeerId } from './tracker-peer.ts';

/** `nested-array`: `[[[...]]]`; `nested-object`: the same inside an object; `offers`: an announce with 5 big SDP offers. */
export type MessageKind = 'nested-array' | 'nested-object' | 'offers';

export type FloodGroup = { kind: MessageKind; connections: number; messages: number; bytes: number };

export type FloodPlan = { url: string; infoHash: string; groups: FloodGroup[]; waitForCloseMs: number; deadlineMs: number };

export type FloodOutcome = { kind: MessageKind; sent: number; closedByServer: boolean; code?: number; refused?: string };

function message(kind: MessageKind, bytes: number, infoHash: string, peerId: string): string {
  if (kind === 'nested-array') return '['.repeat(bytes / 2) + ']'.repeat(bytes / 2);
  if (kind === 'nested-object') return `{"action":"announce","offers":${'['.repeat(bytes / 2 - 20)}${']'.repeat(bytes / 2 - 20)}}`;
  const sdp = `v=0\r\n${'a=candidate:1 1 udp 2113937151 f0e1d2c3-b4a5-4678-9abc-def012345678.local 50000 typ host\r\n'.repeat(Math.ceil(bytes / 5 / 90))}`.slice(0, Math.floor(bytes / 5) - 120);
  const offers = Array.from({ length: 5 }, () => ({ offer: { type: 'offer', sdp }, offer_id: randomPeerId() }));
  return JSON.stringify({ action: 'announce', info_hash: binary(infoHash), peer_id: peerId, numwant: 5, uploaded: 0, downloaded: 0, left: 1, event: 'started', offers });
}

function runConnection(plan: FloodPlan, group: FloodGroup, deadline: number): Promise<FloodOutcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(plan.url);
    const text = message(group.kind, group.bytes, plan.infoHash, randomPeerId());
    const outcome: FloodOutcome = { kind: group.kind, sent: 0, closedByServer: false };
    let closingOurselves = false;
    const giveUp = () => {
      closingOurselves = true;
      socket.terminate();
    };
    const timer = setTimeout(giveUp, Math.max(0, deadline - Date.now()));
    const sendNext = () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (outcome.sent >= group.messages) {
        clearTimeout(timer);
        setTimeout(giveUp, Math.max(0, Math.min(plan.waitForCloseMs, deadline - Date.now())));
        return;
      }
      outcome.sent++;
      socket.send(text, (error) => (error ? undefined : sendNext()));
    };
    socket.on('open', sendNext);
    socket.on('message', () => undefined);
    socket.on('unexpected-response', (_request, response) => {
      outcome.refused = `HTTP ${response.statusCode}`;
      outcome.closedByServer = true;
      socket.terminate();
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => {
      clearTimeout(timer);
      if (!closingOurselves && outcome.refused === undefined) {
        outcome.closedByServer = true;
        outcome.code = code;
      }
      resolve(outcome);
    });
  });
}

const plan = JSON.parse(process.argv[2] ?? '{}') as FloodPlan;
const deadline = Date.now() + plan.deadlineMs;
const outcomes = await Promise.all(plan.groups.flatMap((group) => Array.from({ length: group.connections }, () => runConnection(plan, group, deadline))));
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
process.exit(0);
