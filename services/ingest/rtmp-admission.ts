// Who may hold an RTMP connection or a publish right now: the node-wide and per-address caps,
// counted as connections and publishes come and go. No sockets here, so it is tested on its own.
import type { RtmpLimits } from './rtmp-limits.ts';
import type { RtmpRefusalReason } from './rtmp-refusals.ts';

export type RtmpAdmission = {
  /** Takes a connection slot for `address`, or says which cap refuses it. */
  connect(address: string): RtmpRefusalReason | null;
  disconnect(address: string): void;
  /** Takes a publisher slot for `address`, or says which cap refuses it. */
  publish(address: string): RtmpRefusalReason | null;
  unpublish(address: string): void;
  counts(): { connections: number; publishers: number };
};

type Caps = Pick<RtmpLimits, 'maxConnections' | 'maxConnectionsPerIp' | 'maxPublishers' | 'maxPublishersPerIp'>;

export function createRtmpAdmission(caps: Caps): RtmpAdmission {
  const connections = createTally();
  const publishers = createTally();
  return {
    connect(address) {
      if (connections.total() >= caps.maxConnections) return 'node-connections';
      if (connections.of(address) >= caps.maxConnectionsPerIp) return 'ip-connections';
      connections.add(address);
      return null;
    },
    disconnect: (address) => connections.remove(address),
    publish(address) {
      if (publishers.total() >= caps.maxPublishers) return 'node-publishers';
      if (publishers.of(address) >= caps.maxPublishersPerIp) return 'ip-publishers';
      publishers.add(address);
      return null;
    },
    unpublish: (address) => publishers.remove(address),
    counts: () => ({ connections: connections.total(), publishers: publishers.total() }),
  };
}

/** The address a cap counts: IPv4 clients of a dual-stack listener arrive as ::ffff:a.b.c.d. */
export function clientAddress(remoteAddress: string | undefined): string {
  return (remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

function createTally() {
  const byAddress = new Map<string, number>();
  let total = 0;
  return {
    total: () => total,
    of: (address: string) => byAddress.get(address) ?? 0,
    add(address: string) {
      byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
      total += 1;
    },
    remove(address: string) {
      const count = byAddress.get(address) ?? 0;
      if (count === 0) return;
      if (count === 1) byAddress.delete(address);
      else byAddress.set(address, count - 1);
      total -= 1;
    },
  };
}
