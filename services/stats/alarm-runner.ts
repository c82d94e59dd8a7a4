// Keeps the alarms of one evaluation after another: an alarm is raised once (one log line, one
// webhook call) and cleared once, however many evaluations it lasts. The webhook gets a JSON POST per
// change, in order, each with a timeout; a failing webhook is logged once until it works again
// (changes are not retried: the dashboard and the log still have them).
import type { Logger } from '../core/log.ts';
import type { Alarm } from './alarms.ts';

export type ActiveAlarm = Alarm & { raisedAt: string };

export type AlarmEvent = { event: 'raised' | 'cleared'; at: string; node: string; alarm: ActiveAlarm };

export type AlarmRunnerOptions = {
  log: Logger;
  /** The catalog node evaluating, named in webhook calls. */
  node: string;
  webhookUrl?: string | undefined;
  webhookTimeoutMs?: number;
};

export type AlarmRunner = {
  /** Takes one evaluation's alarms; answers what was raised and cleared by it. */
  update(alarms: readonly Alarm[], at: number): { raised: ActiveAlarm[]; cleared: ActiveAlarm[] };
  active(): ActiveAlarm[];
  /** Resolves when every webhook call so far is done. */
  settled(): Promise<void>;
};

export function createAlarmRunner(options: AlarmRunnerOptions): AlarmRunner {
  const { log } = options;
  const active = new Map<string, ActiveAlarm>();
  let deliveries = Promise.resolve();
  let failing = false;

  const send = (event: AlarmEvent) => {
    const url = options.webhookUrl;
    if (!url) return;
    deliveries = deliveries.then(async () => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 5000),
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        if (failing) log.info('alarm webhook works again', { url });
        failing = false;
      } catch (error) {
        if (!failing) log.warn('alarm webhook failed', { url, alarm: event.alarm.id, change: event.event, error: (error as Error).message });
        failing = true;
      }
    });
  };

  return {
    update(alarms, at) {
      const time = new Date(at).toISOString();
      const raised: ActiveAlarm[] = [];
      const cleared: ActiveAlarm[] = [];
      const seen = new Set<string>();
      for (const alarm of alarms) {
        seen.add(alarm.id);
        const previous = active.get(alarm.id);
        // The message may change (seconds counting up, severity rising): kept current, not raised again.
        const current = { ...alarm, raisedAt: previous?.raisedAt ?? time };
        active.set(alarm.id, current);
        if (!previous) raised.push(current);
      }
      for (const [id, alarm] of active) {
        if (seen.has(id)) continue;
        active.delete(id);
        cleared.push(alarm);
      }
      for (const alarm of raised) {
        log[alarm.severity === 'critical' ? 'error' : 'warn']('alarm raised', { alarm: alarm.id, kind: alarm.kind, subject: alarm.subject, message: alarm.message });
        send({ event: 'raised', at: time, node: options.node, alarm });
      }
      for (const alarm of cleared) {
        log.info('alarm cleared', { alarm: alarm.id, kind: alarm.kind, subject: alarm.subject, raisedAt: alarm.raisedAt });
        send({ event: 'cleared', at: time, node: options.node, alarm });
      }
      return { raised, cleared };
    },
    active: () => [...active.values()],
    settled: () => deliveries,
  };
}
