// The watch page's small "Delivery" panel: how much of the lesson came from other viewers and how
// much over HTTP, with peers and refused segments. A <details> element, so it opens and closes
// without script and works with a thumb, a keyboard and a screen reader.
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/messages/catalogs.ts';
import { formatBytes, p2pShare, rejectedSegments, type DeliveryStats } from './delivery-stats.ts';

/** Why this viewer plays over HTTP only, by the reason delivery-stats.ts records. */
const httpOnlyExplanations: Record<string, MessageKey> = {
  'platform-off': 'watch.p2pOff.platform-off',
  'lesson-off': 'watch.p2pOff.lesson-off',
  'low-latency': 'watch.p2pOff.low-latency',
  'no-webrtc': 'watch.p2pOff.no-webrtc',
  'engine-not-loaded': 'watch.p2pOff.engine-not-loaded',
};

export function showStatsPanel(panel: HTMLDetailsElement, stats: DeliveryStats, everyMs = 1000): void {
  const summary = panel.querySelector('summary');
  const list = panel.querySelector('dl');
  if (!summary || !list) return;
  panel.hidden = false;
  const update = () => {
    const share = Math.round(p2pShare(stats) * 100) / 100;
    summary.textContent = stats.mode === 'p2p' ? t('watch.deliveryP2p', { share }) : t('watch.deliveryHttp');
    if (!panel.open) return;
    const rows: Array<[string, string]> =
      stats.mode === 'p2p'
        ? [
            [t('watch.fromViewers'), t('watch.fromViewersValue', { bytes: formatBytes(stats.p2pBytesDown), share })],
            [t('watch.overHttp'), formatBytes(stats.httpBytes)],
            [t('watch.sentToViewers'), formatBytes(stats.p2pBytesUp)],
            [t('watch.peers'), String(stats.peers)],
            [t('watch.refused'), String(rejectedSegments(stats))],
          ]
        : [
            [t('watch.overHttp'), formatBytes(stats.httpBytes)],
            [t('watch.p2p'), t(httpOnlyExplanations[stats.httpOnlyReason ?? ''] ?? 'watch.p2pOff')],
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
