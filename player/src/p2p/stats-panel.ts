// The watch page's small "Delivery" panel: how much of the lesson came from other viewers and how
// much over HTTP, with peers and refused segments. A <details> element, so it opens and closes
// without script and works with a thumb, a keyboard and a screen reader.
import { formatBytes, p2pShare, rejectedSegments, type DeliveryStats } from './delivery-stats.ts';

const httpOnlyExplanations: Record<string, string> = {
  'platform-off': 'peer-to-peer is off on this platform',
  'lesson-off': 'peer-to-peer is off for this lesson',
  'low-latency': 'peer-to-peer is off in low latency mode',
  'no-webrtc': 'this browser cannot connect to other viewers',
  'engine-not-loaded': 'the peer-to-peer part of the player did not load',
};

export function showStatsPanel(panel: HTMLDetailsElement, stats: DeliveryStats, everyMs = 1000): void {
  const summary = panel.querySelector('summary');
  const list = panel.querySelector('dl');
  if (!summary || !list) return;
  panel.hidden = false;
  const update = () => {
    const share = Math.round(p2pShare(stats) * 100);
    summary.textContent = stats.mode === 'p2p' ? `Delivery · ${share} % from other viewers` : 'Delivery · HTTP';
    if (!panel.open) return;
    const rows: Array<[string, string]> =
      stats.mode === 'p2p'
        ? [
            ['From other viewers', `${formatBytes(stats.p2pBytesDown)} (${share} %)`],
            ['Over HTTP', formatBytes(stats.httpBytes)],
            ['Sent to other viewers', formatBytes(stats.p2pBytesUp)],
            ['Peers', String(stats.peers)],
            ['Refused segments', String(rejectedSegments(stats))],
          ]
        : [
            ['Over HTTP', formatBytes(stats.httpBytes)],
            ['Peer-to-peer', httpOnlyExplanations[stats.httpOnlyReason ?? ''] ?? 'off'],
          ];
    list.replaceChildren(
      ...rows.flatMap(([term, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.textContent = value;
        return [dt, dd];
      }),
    );
  };
  update();
  panel.addEventListener('toggle', update);
  setInterval(update, everyMs);
}
