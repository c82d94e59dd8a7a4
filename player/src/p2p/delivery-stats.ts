// What the player fetched and from where: media bytes over HTTP, bytes from and to peers, the peers
// connected now, and the segments refused by the integrity check. The stats panel shows them, tests
// read them through window.classcast.p2p, and the observability work reports them.
import { t } from '../i18n/i18n.ts';
import type { Rejection } from './segment-integrity.ts';

export type DeliveryStats = {
  /** 'p2p' while this viewer shares segments, otherwise why it plays over HTTP only. */
  mode: 'p2p' | 'http';
  httpOnlyReason: string | null;
  /** Media bytes (segments, init segments) fetched over HTTP. */
  httpBytes: number;
  p2pBytesDown: number;
  p2pBytesUp: number;
  /** Peer connections open now (one per peer and rendition swarm). */
  peers: number;
  /** Segments from peers refused by the hash check, by reason. */
  rejected: Record<Rejection, number>;
  /** Segments from peers that passed to the hash check, and the smallest of them in bytes. */
  peerSegmentsChecked: number;
  smallestPeerSegment: number | null;
  /** Live segments this viewer fetched over HTTP as their seeder, and waited for from peers (live-seeding.ts). */
  segmentsSeeded: number;
  segmentsWaited: number;
};

export function emptyDeliveryStats(): DeliveryStats {
  return {
    mode: 'http',
    httpOnlyReason: null,
    httpBytes: 0,
    p2pBytesDown: 0,
    p2pBytesUp: 0,
    peers: 0,
    rejected: { empty: 0, mismatch: 0, unlisted: 0 },
    peerSegmentsChecked: 0,
    smallestPeerSegment: null,
    segmentsSeeded: 0,
    segmentsWaited: 0,
  };
}

export function rejectedSegments(stats: DeliveryStats): number {
  return stats.rejected.empty + stats.rejected.mismatch + stats.rejected.unlisted;
}

/** The share of media bytes that came from peers, 0 to 1 (0 before anything arrived). */
export function p2pShare(stats: DeliveryStats): number {
  const total = stats.httpBytes + stats.p2pBytesDown;
  return total === 0 ? 0 : stats.p2pBytesDown / total;
}

/** 1536 -> "1.5 KB", 3.2e6 -> "3.2 MB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return t('unit.bytes', { value: unit === 0 ? value : Math.round(value * 10) / 10, unit: units[unit] });
}
