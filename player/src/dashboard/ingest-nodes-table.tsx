// The ingest nodes as their heartbeats describe them, one row each: up or down, how busy their CPU
// is, how many classrooms they carry, and the renditions they shed for want of CPU now, with since
// when (a node shedding for over a minute raises an alarm too).
import type { IngestNodeFigures } from '../../../services/stats/dashboard-catalog.ts';
import { t } from '../i18n/i18n.ts';
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
              <td>
                <strong>{node.node}</strong>
              </td>
              <td>{node.up ? <span class="badge badge-connected">{t('dashboard.up')}</span> : <span class="badge">{t('dashboard.down')}</span>}</td>
              <td data-cell="cpu">{percent(node.cpuBusy, 0)}</td>
              <td data-cell="classrooms">{count(node.classrooms)}</td>
              <td data-cell="shed">{node.up ? shedding(node, at) : unknown}</td>
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
