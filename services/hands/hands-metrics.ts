// The raised hands' figures in Prometheus form, read from the signalling's stats() when scraped:
// hands raised and accepted, calls open and ended, and what was refused. Labels stay bounded (the
// role's tier and node only; never a lesson or a student).
import type { Registry } from 'prom-client';
import { registerStatsMetrics, type StatsMetric } from '../stats/metrics-registry.ts';
import { metricNames } from '../stats/metric-names.ts';
import type { HandsSignalling, HandsStats } from './hands-signalling.ts';

const gauges: StatsMetric<HandsStats>[] = [
  ['activeCalls', metricNames.callsActive, 'Raised-hand calls open now (accepted hands).'],
  ['waitingHands', metricNames.handsWaiting, 'Hands raised and waiting for the console.'],
  ['connections', metricNames.handsConnections, 'Open WebSocket connections to /hands (students and consoles).'],
];

const counters: StatsMetric<HandsStats>[] = [
  ['raised', metricNames.handsRaisedTotal, 'Hands raised.'],
  ['accepted', metricNames.handsAcceptedTotal, 'Hands a console accepted (calls opened).'],
  ['endedCalls', metricNames.callsEndedTotal, 'Calls ended (by the console, the student, or a page that left).'],
  ['refusedConnections', metricNames.handsRefusedConnectionsTotal, 'Connections to /hands refused (signed out, wrong role, no such lesson, other origin).'],
  ['refusedMessages', metricNames.handsRefusedMessagesTotal, 'Messages refused (malformed, too big, too many, not the sender\'s to send).'],
];

export function registerHandsMetrics(register: Registry, hands: () => HandsSignalling | undefined): void {
  registerStatsMetrics(register, () => hands()?.stats(), { gauges, counters });
}
