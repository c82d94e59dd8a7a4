// The raised hands' figures in Prometheus form, read from the signalling's stats() when scraped:
// hands raised and accepted, calls open and ended, and what was refused. Labels stay bounded (the
// role's tier and node only; never a lesson or a student).
import type { Registry } from 'prom-client';
import { registerStatsMetrics, type StatsMetric } from '../stats/metrics-registry.ts';
import type { HandsSignalling, HandsStats } from './hands-signalling.ts';

const gauges: StatsMetric<HandsStats>[] = [
  ['activeCalls', 'classcast_calls_active', 'Raised-hand calls open now (accepted hands).'],
  ['waitingHands', 'classcast_hands_waiting', 'Hands raised and waiting for the console.'],
  ['connections', 'classcast_hands_connections', 'Open WebSocket connections to /hands (students and consoles).'],
];

const counters: StatsMetric<HandsStats>[] = [
  ['raised', 'classcast_hands_raised_total', 'Hands raised.'],
  ['accepted', 'classcast_hands_accepted_total', 'Hands a console accepted (calls opened).'],
  ['endedCalls', 'classcast_calls_ended_total', 'Calls ended (by the console, the student, or a page that left).'],
  ['refusedConnections', 'classcast_hands_refused_connections_total', 'Connections to /hands refused (signed out, wrong role, no such lesson, other origin).'],
  ['refusedMessages', 'classcast_hands_refused_messages_total', 'Messages refused (malformed, too big, too many, not the sender\'s to send).'],
];

export function registerHandsMetrics(register: Registry, hands: () => HandsSignalling | undefined): void {
  registerStatsMetrics(register, () => hands()?.stats(), { gauges, counters });
}
