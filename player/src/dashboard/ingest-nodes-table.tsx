// The ingest nodes as their heartbeats describe them, one row each: up or down, how busy their CPU
// is, how many classrooms they carry, and the renditions they shed for want of CPU now, with since
// when (a node shedding for over a minute raises an alarm too). A down node says since when it has
// been gone; the catalog forgets it after ingest.nodeForgetMinutes.
import type { IngestNodeFigures } from '../../../services/stats/dashboard-catalog.ts';
import { t } from '../i18n/i18n.ts';
import { relativeTime } from '../shared/lesson-times.ts';
import { count, percent, unknown } from './dashboard-format.ts';

export function IngestNodesTable({ nodes, at }: { nodes: IngestNodeFigures[]; at: number }) {
  if (nodes.length === 0) return <p class="muted">{t('dashboard.noNodes')}</p>;
  return (
    <div class="table-scroll">
      <table class="data-table ingest-nodes-table">
        <thead>
          <tr>
            <th>{t('dashboard.node')}</th>
            <th>{t('dashboard.nodeState')}</th>
            <th>{t('dashboard.cpu')}</th>
            <th>{t('dashboard.classrooms')}</th>
            <th>{t('dashboard.shed')}</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => (
            <tr key={node.node} data-ingest-node={node.node} data-shedding={String(node.renditionsShed > 0)}>
              <td data-label={t('dashboard.node')}>
                <strong>{node.node}</strong>
              </td>
              <td data-cell="state" data-label={t('dashboard.nodeState')}>
                {node.up ? (
                  <span class="badge badge-connected">{t('dashboard.up')}</span>
                ) : (
                  <>
                    <span class="badge">{t('dashboard.down')}</span> <span class="muted">{goneFor(node, at)}</span>
                  </>
                )}
              </td>
              <td data-cell="cpu" data-label={t('dashboard.cpu')}>{percent(node.cpuBusy, 0)}</td>
              <td data-cell="classrooms" data-label={t('dashboard.classrooms')}>{count(node.classrooms)}</td>
              <td data-cell="shed" data-label={t('dashboard.shed')}>{node.up ? shedding(node, at) : unknown}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "0", or "2 since 14:05 (3 min)". */
function shedding(node: IngestNodeFigures, at: number): string {
  if (node.renditionsShed === 0 || node.sheddingSince === null) return count(node.renditionsShed);
  const minutes = Math.max(0, Math.floor((at - node.sheddingSince) / 60_000));
  return t('dashboard.shedSince', { count: count(node.renditionsShed), at: node.sheddingSince, minutes });
}

/** "last seen 14:05 (12 min ago)", in the province's time zone. */
function goneFor(node: IngestNodeFigures, at: number): string {
  return t('dashboard.lastSeen', { at: node.seenAt, ago: relativeTime(new Date(Math.min(node.seenAt, at)), new Date(at)) });
}
