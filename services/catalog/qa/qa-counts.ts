// What the live classroom did in this process, counted where it happens (the API, the origin's
// feed) and read by /metrics (services/stats/qa-metrics.ts). Process-wide like prom-client's own
// process metrics: a process serves one catalog. Hands and calls are counted by the hands branch
// under their own classcast_qa_hand_* and classcast_qa_call_* names.
export const qaModerationActions = ['answer', 'pin', 'unpin', 'mark-answered', 'hide', 'unhide', 'mute', 'unmute', 'settings'] as const;
export type QaModerationAction = (typeof qaModerationActions)[number];

export const qaRefusals = ['rate', 'slow-mode', 'too-long', 'muted', 'closed'] as const;
export type QaRefusal = (typeof qaRefusals)[number];

export const qaCounts = {
  posts: { question: 0, comment: 0 },
  votes: 0,
  moderation: Object.fromEntries(qaModerationActions.map((action) => [action, 0])) as Record<QaModerationAction, number>,
  refused: Object.fromEntries(qaRefusals.map((reason) => [reason, 0])) as Record<QaRefusal, number>,
  /** Feed documents the origin built from the catalog (each serves every request for a moment). */
  feedBuilds: 0,
};
