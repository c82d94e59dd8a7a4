// The live classroom's figures for Prometheus: posts by kind, votes, moderation actions by action,
// refused posts and votes by reason, and the feed documents the origin built from the catalog (about
// one per live lesson per half second, however many read them: the relays' caching at work). Read
// from the process's counts (services/catalog/qa/qa-counts.ts) when scraped. Names are
// classcast_qa_*; classcast_qa_hand_* and classcast_qa_call_* are the hands branch's.
import type { Registry } from 'prom-client';
import { qaCounts, qaModerationActions, qaRefusals } from '../catalog/qa/qa-counts.ts';
import { Counter } from 'prom-client';
import { mirroredCounter } from './metrics-registry.ts';
import { metricNames, type MetricName } from './metric-names.ts';

export function registerQaMetrics(register: Registry): void {
  const labelled = (name: MetricName, help: string, label: string, read: () => Record<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [register],
      collect() {
        this.reset();
        for (const [value, count] of Object.entries(read())) this.inc({ [label]: value }, count);
      },
    });
  labelled(metricNames.qaPostsTotal, 'Questions and comments viewers posted, by kind.', 'kind', () => qaCounts.posts);
  mirroredCounter(register, metricNames.qaVotesTotal, 'Upvotes counted on questions (one per viewer and question).', () => qaCounts.votes);
  labelled(metricNames.qaModerationActionsTotal, 'Teacher actions on questions and comments, by action (answer, pin, hide, mute, settings...).', 'action', () => ({ ...Object.fromEntries(qaModerationActions.map((action) => [action, 0])), ...qaCounts.moderation }));
  labelled(metricNames.qaRefusedTotal, 'Posts and votes refused, by reason (rate, slow-mode, too-long, muted, closed).', 'reason', () => ({ ...Object.fromEntries(qaRefusals.map((reason) => [reason, 0])), ...qaCounts.refused }));
  mirroredCounter(register, metricNames.qaFeedBuildsTotal, 'Questions feed documents (/live/<lesson>/qa.json) built from the catalog by this origin.', () => qaCounts.feedBuilds);
}
