// The peers that can serve this viewer's segments: those p2p-media-loader connected on the main
// stream (video with muxed audio). It connects peers per rendition swarm but reports only the stream
// type, so after a quality switch the peers of the rendition left count until it closes them (30 s).
// The seeding choice (live-seeding.ts) and the distance from the live edge (live-distance.ts) both
// follow this one set.
import type { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';

export type MainStreamPeers = {
  /** The peers' ids, as they announce themselves. */
  readonly ids: ReadonlySet<string>;
  /** Calls `listener` after each peer connects or leaves. */
  onChange(listener: () => void): void;
};

export function watchMainStreamPeers(engine: HlsJsP2PEngine): MainStreamPeers {
  const ids = new Set<string>();
  const listeners: Array<() => void> = [];
  const changed = () => listeners.forEach((listener) => listener());
  engine.addEventListener('onPeerConnect', ({ peerId, streamType }) => {
    if (streamType !== 'main' || ids.has(peerId)) return;
    ids.add(peerId);
    changed();
  });
  engine.addEventListener('onPeerClose', ({ peerId, streamType }) => {
    if (streamType !== 'main' || !ids.delete(peerId)) return;
    changed();
  });
  return { ids, onChange: (listener) => void listeners.push(listener) };
}
