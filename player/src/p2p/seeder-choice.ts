// Which viewers of a swarm fetch a new segment over HTTP as soon as it is listed (its seeders); the
// others wait for it from peers. Every viewer knows its own peer id and those of the peers it is
// connected to, and ranks them all by a hash of (peer id, segment): the lowest-ranked are the
// segment's seeders (rendezvous hashing). Viewers that see the same swarm agree without talking, a
// different viewer seeds each segment so no one uploads everything, and a viewer that leaves only
// moves its own segments to the next in rank.

/** FNV-1a, 32 bits: fast, and spreads similar strings (consecutive segment numbers) well enough here. */
export function rank(peerId: string, segmentKey: string): number {
  let hash = 0x811c9dc5;
  const text = `${peerId}/${segmentKey}`;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** How many seeders a swarm of `swarmSize` viewers (this one included) gives each segment. */
export function seedersFor(swarmSize: number, viewersPerSeeder: number): number {
  return Math.max(1, Math.ceil(swarmSize / viewersPerSeeder));
}

/** Whether `self` is among the `seeders` lowest-ranked of itself and `peers` for `segmentKey`. */
export function seedsSegment(self: string, peers: Iterable<string>, segmentKey: string, seeders: number): boolean {
  const own = rank(self, segmentKey);
  let lower = 0;
  for (const peer of peers) {
    const other = rank(peer, segmentKey);
    // Ties (vanishingly rare) go to the smaller id, so both sides decide the same way.
    if (other < own || (other === own && peer < self)) lower++;
    if (lower >= seeders) return false;
  }
  return true;
}

/** A peer id of p2p-media-loader's form (20 characters, its version prefix first) made here, so this viewer knows its own. */
export function makePeerId(prefix: string, random: () => number = Math.random): string {
  const symbols = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = prefix.slice(0, 20);
  while (id.length < 20) id += symbols[Math.floor(random() * symbols.length)];
  return id;
}
