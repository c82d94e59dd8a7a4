// The catalog's background jobs (MP4 preparations, retention sweeps) per queue: how many wait,
// run, and failed for good. A failed job is one whose every retry failed.
import type { QueueCounts } from '../../../services/catalog/jobs/job-counts.ts';
import { count } from './dashboard-format.ts';

export function JobsTable({ queues }: { queues: QueueCounts[] }) {
  if (queues.length === 0) return <p class="muted">This catalog runs no job queue.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table jobs-table">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Queued</th>
            <th>Running</th>
            <th>Failed</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((queue) => (
            <tr key={queue.queue} data-queue={queue.queue}>
              <td>
                <strong>{queue.queue}</strong>
              </td>
              <td data-cell="queued">{count(queue.queued)}</td>
              <td data-cell="running">{count(queue.running)}</td>
              <td data-cell="failed">{queue.failed > 0 ? <span class="badge">{count(queue.failed)}</span> : count(0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
