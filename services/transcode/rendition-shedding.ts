// When a lesson's ladder gives way and when it comes back. Pure: the renditions' state and the
// node's CPU in, one decision out, so it is tested without processes or clocks.
//
// A rendition's ffmpeg that falls behind the source (its lag: the source's media time minus what it
// has written) by more than `shedLagSeconds` means the node is short of CPU. Then one rendition is
// shed (its playlist takes a lower rung's segments or the source's at once, and the process that
// encoded it is replaced, lesson-renditions.ts), in a stated order: the highest encoded rung first, the lowest last,
// because the lowest is the one weak phones and links need. After any change the next waits
// `settleSeconds`, so the effect shows before another is made. A shed rendition comes back, the
// lowest first, once every running one keeps up and its own back-off has passed, and either the
// node has had CPU to spare for a while or a second back-off has passed (a probe: a node whose other
// work never leaves it idle may still have room at our low priority; if not, the rung is shed
// again). The back-off doubles each time the same rung is shed again soon after coming back, so a
// node on the edge tries less and less often.
//
// A frozen process (no progress and no CPU used while work waits for it: SIGSTOP, a hung driver) is
// a different matter: it is killed and started again (frozenProcesses). A slow one is never killed.

export type RenditionRun = {
  name: string;
  /** Seconds of source media the process has not yet written. */
  lagSeconds: number;
  /** Finishing what it holds before it stops (shed, or its encoder gone). */
  draining: boolean;
  /** Neither its output nor its CPU time has moved for a few seconds: maybe frozen, which says nothing of the node's CPU. */
  stalled?: boolean;
  /** Its lag has fallen over the last few seconds: behind because it started behind (a backlog), and gaining. */
  catchingUp?: boolean;
};

export type SheddingState = {
  /** The renditions the ladder encodes, best first (a top copied from the source is not one). */
  encoded: readonly string[];
  running: readonly RenditionRun[];
  /** Shed renditions: when each may come back if the node has CPU to spare, and when it is tried again anyway (ms since the epoch). */
  shed: ReadonlyMap<string, { until: number; probeAt: number }>;
  /** When the last shed or restore was decided (0: never). */
  lastChangeAt: number;
  /** The node's idle CPU share over the last few seconds, 0 to 1. */
  nodeIdle: number;
  now: number;
};

export type SheddingPolicy = {
  shedLagSeconds: number;
  /** Every running rendition is at most this far behind before one comes back. */
  restoreLagSeconds: number;
  /** The node's idle share needed before a rendition comes back. */
  restoreIdle: number;
  settleSeconds: number;
  /** First back-off after a shed; doubled for each shed soon after a return, up to maxBackoffSeconds. */
  backoffSeconds: number;
  maxBackoffSeconds: number;
};

export type SheddingDecision = { shed: string } | { restore: string } | undefined;

export function sheddingPolicyFor(segmentSeconds: number): SheddingPolicy {
  return {
    shedLagSeconds: Math.max(6, 3 * segmentSeconds),
    restoreLagSeconds: Math.max(2, segmentSeconds),
    restoreIdle: 0.2,
    settleSeconds: Math.max(10, 4 * segmentSeconds),
    backoffSeconds: 20,
    maxBackoffSeconds: 300,
  };
}

export function decideShedding(state: SheddingState, policy: SheddingPolicy): SheddingDecision {
  if (state.now - state.lastChangeAt < policy.settleSeconds * 1000) return undefined;
  const working = state.running.filter((run) => !run.draining);
  // Behind while still using CPU: the node is short of it. A process that stopped moving altogether
  // is left to the frozen check, not taken for a busy node.
  if (working.some((run) => run.lagSeconds > policy.shedLagSeconds && !run.stalled && !run.catchingUp)) {
    // Highest rung first; the draining ones are already on their way out.
    const next = state.encoded.find((name) => working.some((run) => run.name === name));
    return next === undefined ? undefined : { shed: next };
  }
  const keepingUp = state.running.every((run) => run.lagSeconds <= policy.restoreLagSeconds);
  if (!keepingUp) return undefined;
  // Lowest rung first: the reverse of the shedding order.
  const back = [...state.encoded].reverse().find((name) => {
    const shed = state.shed.get(name);
    return shed !== undefined && ((shed.until <= state.now && state.nodeIdle >= policy.restoreIdle) || shed.probeAt <= state.now);
  });
  return back === undefined ? undefined : { restore: back };
}

/** The back-off for a rung shed now, given its previous back-off and when it last came back. */
export function nextBackoffSeconds(policy: SheddingPolicy, previous: { backoffSeconds: number; restoredAt: number } | undefined, now: number): number {
  // Shed again within a few back-offs of coming back: the node is on the edge, wait longer.
  if (previous && now - previous.restoredAt < previous.backoffSeconds * 4 * 1000) return Math.min(policy.maxBackoffSeconds, previous.backoffSeconds * 2);
  return policy.backoffSeconds;
}

export type ProcessProgress = {
  /** Source media waiting for the process, in seconds (nothing waits: it cannot be frozen). */
  pendingSeconds: number;
  /** When its media time or CPU time last moved (ms since the epoch). */
  lastMovedAt: number;
};

/** Frozen: work has waited and neither its output nor its CPU time has moved for `frozenSeconds`. */
/** How long without any progress a process counts as stalled for the shedding decision (not yet frozen). */
export const stalledSeconds = 3;

export function isFrozen(progress: ProcessProgress, now: number, frozenSeconds: number): boolean {
  return progress.pendingSeconds > 1 && now - progress.lastMovedAt > frozenSeconds * 1000;
}

/** How long without any progress (output or CPU) a process with work waiting is taken for frozen: the configured bound, at least five segments. */
export function frozenSecondsFor(configuredSeconds: number, segmentSeconds: number): number {
  return Math.max(configuredSeconds, 5 * segmentSeconds);
}
