// The health of every live classroom's encoder, one row each: connected or not, what it sends
// (bitrate, fps, keyframe interval, picture size), how its transcoder keeps up (speed, dropped
// frames; known where the dashboard reads the ingest's /metrics) and how fresh that is. On a
// phone the table scrolls sideways.
import type { IngestHealth } from '../../../services/stats/dashboard-figures.ts';
import { count, decimal, kbps, unknown } from './dashboard-format.ts';

export function IngestTable({ rows }: { rows: IngestHealth[] }) {
  if (rows.length === 0) return <p class="muted">No lesson is live.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table ingest-table">
        <thead>
          <tr>
            <th>Lesson</th>
            <th>Encoder</th>
            <th>Bitrate</th>
            <th>FPS</th>
            <th>Keyframes</th>
            <th>Resolution</th>
            <th>Speed</th>
            <th>Dropped</th>
            <th>Last report</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.lessonId} data-ingest={row.lessonId} data-connected={String(row.connected)}>
              <td>
                <strong>{row.title}</strong>
                <div class="muted">{row.schoolName ? `${row.schoolName} · ${row.classroomId}` : row.classroomId}</div>
              </td>
              <td>{row.connected ? <span class="badge badge-connected">connected</span> : <span class="badge">disconnected</span>}</td>
              <td data-cell="bitrate">{kbps(row.bitrateKbps)}</td>
              <td data-cell="fps">{decimal(row.fps)}</td>
              <td data-cell="keyframes">{row.keyframeIntervalSeconds === null ? unknown : `${decimal(row.keyframeIntervalSeconds)} s`}</td>
              <td>{row.width && row.height ? `${row.width}×${row.height}` : unknown}</td>
              <td data-cell="speed">{row.transcoderSpeed === null ? unknown : `${row.transcoderSpeed.toFixed(2)}×`}</td>
              <td data-cell="dropped">{count(row.droppedFrames)}</td>
              <td>{row.statusAgeSeconds === null ? unknown : `${Math.round(row.statusAgeSeconds)} s ago`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
