// The catalog's background jobs (MP4 preparations, retention sweeps) per queue: how many wait,
// run, and failed for good. Queue names (mp4-prepare, replay-upload.<node>) are the queue's own, as
// the logs and pg-boss name them, in every language. A failed job is one whose every retry failed.
import type { QueueCounts } from '../../../services/catalog/jobs/job-counts.ts';
import { t } from '../i18n/i18n.ts';
import { count } from './dashboard-format.ts';

export function JobsTable({ queues }: { queues: QueueCounts[] }) {
  if (queues.length === 0) return <p class="muted">{t('dashboard.noJobQueue')}</p>;
  return (
    <div class="table-scroll">
      <table class="data-table jobs-table">
        <thead>
          <tr>
            <th>{t('dashboard.queue')}</th>
            <th>{t('dashboard.queued')}</th>
            <th>{t('dashboard.running')}</th>
            <th>{t('dashboard.failed')}</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((queue) => (
            <tr key={queue.queue} data-queue={queue.queue}>
              <td data-label={t('dashboard.queue')}>
                <strong>{queue.queue}</strong>
              </td>
              <td data-cell="queued" data-label={t('dashboard.queued')}>{count(queue.queued)}</td>
              <td data-cell="running" data-label={t('dashboard.running')}>{count(queue.running)}</td>
              <td data-cell="failed" data-label={t('dashboard.failed')}>{queue.failed > 0 ? <span class="badge">{count(queue.failed)}</span> : count(0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
