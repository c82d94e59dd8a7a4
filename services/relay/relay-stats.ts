// The relay's own figures, kept in one place for /metrics (the observability issue) and tests.
export type RelayStats = {
  requests: number;
  hits: number;
  misses: number;
  /** Requests that joined a fetch already under way (single flight). */
  joined: number;
  bytesToViewers: number;
  bytesFromUpstream: number;
  upstreamRequests: number;
  upstreamFailures: number;
  /** Upstream 404s after which the next upstream was asked (upstreams carrying different lessons). */
  upstreamNotFound: number;
  /** Objects refused as broken (bad status, truncated, not a playlist, sequence going back). */
  rejected: number;
  /** Objects refused for exceeding the size bound of their kind (their fetch is cut off). */
  oversized: number;
  prefetched: number;
  /** Requests for a protected lesson's objects refused for want of a good playback token. */
  refused: number;
};

export function createRelayStats(): RelayStats {
  return { requests: 0, hits: 0, misses: 0, joined: 0, bytesToViewers: 0, bytesFromUpstream: 0, upstreamRequests: 0, upstreamFailures: 0, upstreamNotFound: 0, rejected: 0, oversized: 0, prefetched: 0, refused: 0 };
}
