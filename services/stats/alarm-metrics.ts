// The catalog's alarms as Prometheus metrics at /metrics/alarms, for what only the catalog can see
// (the timetable): a Prometheus alert rule on classcast_lesson_without_encoder is the dashboard's
// "no encoder" alarm, and classcast_alarms_active counts every alarm the dashboard shows. A registry
// of its own: the catalog role's /metrics is made elsewhere and stays as it is.
import { Gauge, Registry } from 'prom-client';
import type { ActiveAlarm } from './alarm-runner.ts';
import { metricNames } from './metric-names.ts';

export const alarmMetricsPath = '/metrics/alarms';

export function alarmMetrics(node: string, active: () => ActiveAlarm[]): Registry {
  const register = new Registry();
  register.setDefaultLabels({ tier: 'catalog', node });
  new Gauge({
    name: metricNames.alarmsActive,
    help: 'Alarms the operator dashboard shows now, by kind and severity.',
    labelNames: ['kind', 'severity'],
    registers: [register],
    collect() {
      this.reset();
      for (const alarm of active()) this.inc({ kind: alarm.kind, severity: alarm.severity });
    },
  });
  new Gauge({
    name: metricNames.lessonWithoutEncoder,
    help: 'Lessons that should be live by the timetable (past their start plus the grace) with no encoder: 1 each (a lesson that is not public by its classroom, protected:<classroom>).',
    labelNames: ['lesson'],
    registers: [register],
    collect() {
      this.reset();
      for (const alarm of active()) if (alarm.kind === 'no-encoder' && alarm.lessonId) this.set({ lesson: alarm.lessonLabel ?? alarm.lessonId }, 1);
    },
  });
  return register;
}
