// Counts of RTMP connections refused or closed for hostile or broken input, by reason. Each RTMP
// server keeps its own counts and adds to the process totals, which metrics read without needing
// a handle on the server (rtmpRefusalTotals).

export const rtmpRefusalReasons = [
  /** A new connection while the node already holds maxConnections, none of them pending (rtmp-admission.ts). */
  'node-connections',
  /** A new connection while its address already holds maxConnectionsPerIp. */
  'ip-connections',
  /** A new connection while its address already holds maxHandshakesPerIp connections that have not published. */
  'ip-handshakes',
  /** A connection that had not published yet, closed to make room for a new one on a full node. */
  'handshake-evicted',
  /** A publish while the node already carries maxPublishers. */
  'node-publishers',
  /** A publish while its address already carries maxPublishersPerIp. */
  'ip-publishers',
  /** A publish the authorizer refused (unknown key, disk full, classroom busy, unknown app). */
  'publish-refused',
  /** A publish for a classroom the catalog assigns to another ingest node that is up (classroom-assignment.ts). */
  'assigned-elsewhere',
  /** A publish while its classroom's lesson was just ended with "End lesson now" (lesson-lifecycle.ts endedByHandHoldSeconds). */
  'lesson-ended',
  /** Not publishing within handshakeTimeoutSeconds of connecting. */
  'handshake-timeout',
  /** An RTMP play command: nothing in Classcast plays over RTMP (viewers watch HLS), so none is served. */
  'play-refused',
  /** Nothing received for idleTimeoutSeconds. */
  'idle-timeout',
  /** The first byte was not RTMP version 3. */
  'bad-handshake',
  /** A message longer than the connection may send (64 KiB before publishing, maxMessageBytes after). */
  'message-too-large',
  /** More reassembly memory than one maximum message plus a small reserve. */
  'reassembly-budget',
  /** More chunk streams than any encoder uses. */
  'too-many-chunk-streams',
  /** A Set Chunk Size of 0, above 2^31 - 1, or not 4 bytes long. */
  'bad-chunk-size',
  /** Audio, video or data messages from a connection that is not an accepted publisher. */
  'media-before-publish',
  /** More than maxGopBytes of media between two video keyframes. */
  'gop-too-large',
  /** Input node-media-server could not parse (it threw). */
  'malformed',
] as const;

export type RtmpRefusalReason = (typeof rtmpRefusalReasons)[number];
export type RtmpRefusalCounts = Record<RtmpRefusalReason, number>;

export type RefusalCounter = { add(reason: RtmpRefusalReason): void; counts(): RtmpRefusalCounts };

const totals = zeroCounts();

/** Refusals by every RTMP server of this process since it started (counters only ever grow). */
export function rtmpRefusalTotals(): RtmpRefusalCounts {
  return { ...totals };
}

export function createRefusalCounter(): RefusalCounter {
  const counts = zeroCounts();
  return {
    add(reason) {
      counts[reason] += 1;
      totals[reason] += 1;
    },
    counts: () => ({ ...counts }),
  };
}

function zeroCounts(): RtmpRefusalCounts {
  return Object.fromEntries(rtmpRefusalReasons.map((reason) => [reason, 0])) as RtmpRefusalCounts;
}
