// Who may hold an RTMP connection or a publish right now: the node-wide and per-address caps,
// counted as connections and publishes come and go. No sockets here, so it is tested on its own.
//
// A connection is pending from accept until the node accepts its publish (a known key), then
// established. Pending connections are what a flood is made of (a TCP connect and a byte cost the
// attacker nothing), so they are held apart: each address may hold only maxHandshakesPerIp of them,
// and when the node is full a new connection takes the place of the oldest pending connection of
// the address holding the most. An encoder connecting from its own address is thus never locked
// out by half-open connections from a few others, and established publishers are never evicted.
import type { RtmpLimits } from './rtmp-limits.ts';
import type { RtmpRefusalReason } from './rtmp-refusals.ts';

/** One admitted connection's hold on the caps. */
export type AdmittedConnection = {
  /** Its publish was accepted: it no longer counts as pending and is never evicted for room. */
  established(): void;
  /** Gives its connection slot back (when its socket closes); harmless after an eviction or twice. */
  release(): void;
};

export type Admission = { admitted: AdmittedConnection } | { refused: RtmpRefusalReason };

export type RtmpAdmission = {
  /**
   * Admits a connection from `address` as pending, or says which cap refuses it. When the node is
   * full, the connection evicted to make room is released here and its `evict` called at once.
   */
  connect(address: string, evict: () => void): Admission;
  /** Takes a publisher slot for `address`, or says which cap refuses it. */
  publish(address: string): RtmpRefusalReason | null;
  unpublish(address: string): void;
  counts(): { connections: number; pending: number; publishers: number };
};

type Caps = Pick<RtmpLimits, 'maxConnections' | 'maxConnectionsPerIp' | 'maxHandshakesPerIp' | 'maxPublishers' | 'maxPublishersPerIp'>;

type Pending = { address: string; since: number; evict: () => void; release: () => void };

export function createRtmpAdmission(caps: Caps): RtmpAdmission {
  const connections = createTally();
  const publishers = createTally();
  /** Pending connections by address, oldest first (a Set keeps insertion order). */
  const pending = new Map<string, Set<Pending>>();
  let pendingTotal = 0;
  let admittedSoFar = 0;

  const dropPending = (entry: Pending) => {
    const ofAddress = pending.get(entry.address);
    if (!ofAddress?.delete(entry)) return false;
    if (ofAddress.size === 0) pending.delete(entry.address);
    pendingTotal -= 1;
    return true;
  };

  /** The oldest pending connection of the address holding the most (the oldest such on a tie). */
  const evictionVictim = (): Pending | undefined => {
    let victim: Pending | undefined;
    let most = 0;
    for (const ofAddress of pending.values()) {
      const oldest = ofAddress.values().next().value!;
      if (ofAddress.size > most || (ofAddress.size === most && victim && oldest.since < victim.since)) {
        most = ofAddress.size;
        victim = oldest;
      }
    }
    return victim;
  };

  return {
    connect(address, evict) {
      if (connections.of(address) >= caps.maxConnectionsPerIp) return { refused: 'ip-connections' };
      if ((pending.get(address)?.size ?? 0) >= caps.maxHandshakesPerIp) return { refused: 'ip-handshakes' };
      if (connections.total() >= caps.maxConnections) {
        const victim = evictionVictim();
        if (!victim) return { refused: 'node-connections' };
        victim.release();
        victim.evict();
      }
      connections.add(address);
      let released = false;
      const entry: Pending = {
        address,
        since: admittedSoFar++,
        evict,
        release() {
          if (released) return;
          released = true;
          dropPending(entry);
          connections.remove(address);
        },
      };
      let ofAddress = pending.get(address);
      if (!ofAddress) pending.set(address, (ofAddress = new Set()));
      ofAddress.add(entry);
      pendingTotal += 1;
      return { admitted: { established: () => void dropPending(entry), release: entry.release } };
    },
    publish(address) {
      if (publishers.total() >= caps.maxPublishers) return 'node-publishers';
      if (publishers.of(address) >= caps.maxPublishersPerIp) return 'ip-publishers';
      publishers.add(address);
      return null;
    },
    unpublish: (address) => publishers.remove(address),
    counts: () => ({ connections: connections.total(), pending: pendingTotal, publishers: publishers.total() }),
  };
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
