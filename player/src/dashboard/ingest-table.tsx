// The health of every live classroom's encoder, one row each: connected or not, what it sends
// (bitrate, fps, keyframe interval, picture size), how its transcoder keeps up (speed, dropped
// frames; known where the dashboard reads the ingest's /metrics) and how fresh that is. On a
// phone each row is a card whose cells carry their column's name (data-label).
import type { IngestHealth } from '../../../services/stats/dashboard-figures.ts';
import { t } from '../i18n/i18n.ts';
import { lessonTitle } from '../shared/lesson-title.ts';
import { count, decimal, kbps, unknown } from './dashboard-format.ts';

export function IngestTable({ rows }: { rows: IngestHealth[] }) {
  if (rows.length === 0) return <p class="muted">{t('dashboard.noLive')}</p>;
  return (
    <div class="table-scroll">
      <table class="data-table ingest-table">
        <thead>
          <tr>
            <th>{t('dashboard.lesson')}</th>
            <th>{t('dashboard.encoder')}</th>
            <th>{t('dashboard.bitrate')}</th>
            <th>{t('dashboard.fps')}</th>
            <th>{t('dashboard.keyframes')}</th>
            <th>{t('dashboard.resolution')}</th>
            <th>{t('dashboard.speed')}</th>
            <th>{t('dashboard.dropped')}</th>
            <th>{t('dashboard.lastReport')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.lessonId} data-ingest={row.lessonId} data-connected={String(row.connected)}>
              <td data-label={t('dashboard.lesson')}>
                <strong>{lessonTitle({ title: row.title, adHoc: row.adHoc, classroomName: row.classroomName ?? '' })}</strong>
                <div class="muted">{[row.schoolName, row.classroomName ?? row.classroomId].filter(Boolean).join(' · ')}</div>
              </td>
              <td data-label={t('dashboard.encoder')}>{row.connected ? <span class="badge badge-connected">{t('dashboard.connected')}</span> : <span class="badge">{t('dashboard.disconnected')}</span>}</td>
              <td data-cell="bitrate" data-label={t('dashboard.bitrate')}>{kbps(row.bitrateKbps)}</td>
              <td data-cell="fps" data-label={t('dashboard.fps')}>{decimal(row.fps)}</td>
              <td data-cell="keyframes" data-label={t('dashboard.keyframes')}>{row.keyframeIntervalSeconds === null ? unknown : t('unit.secondsFixed', { seconds: row.keyframeIntervalSeconds })}</td>
              <td data-label={t('dashboard.resolution')}>{row.width && row.height ? `${row.width}×${row.height}` : unknown}</td>
              <td data-cell="speed" data-label={t('dashboard.speed')}>{row.transcoderSpeed === null ? unknown : t('dashboard.speedValue', { speed: row.transcoderSpeed })}</td>
              <td data-cell="dropped" data-label={t('dashboard.dropped')}>{count(row.droppedFrames)}</td>
              <td data-label={t('dashboard.lastReport')}>{row.statusAgeSeconds === null ? unknown : t('unit.secondsAgo', { seconds: row.statusAgeSeconds })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
