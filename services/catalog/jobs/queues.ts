// The catalog's background work as durable jobs (job-queue.ts): each queue's name and how its jobs
// are retried. Data, so the dashboard, the docs and the tests read one table.

export type QueueName = 'mp4-prepare' | 'retention-sweep' | 'storage-policy';

export type QueuePolicy = {
  /**
   * pg-boss's queue policy: 'stately' keeps at most one job per singleton key waiting and one
   * running (an MP4 asked for twice is prepared once at a time); 'standard' has no such limit.
   */
  policy: 'standard' | 'stately';
  /** Attempts after the first. */
  retryLimit: number;
  /** Seconds before the first retry; doubled each time (pg-boss retryBackoff). */
  retryDelaySeconds: number;
  /**
   * A job running longer is taken for dead (its process was killed) and tried again: long enough for
   * the slowest honest run.
   */
  expireInSeconds: number;
};

export const queuePolicies: Record<QueueName, QueuePolicy> = {
  // ffmpeg copies (no re-encoding) a lesson in well under a minute; 15 minutes covers a long one on a busy node.
  'mp4-prepare': { policy: 'stately', retryLimit: 2, retryDelaySeconds: 10, expireInSeconds: 900 },
  // One per slot by its singleton (catalog-jobs.ts), whatever the policy.
  'retention-sweep': { policy: 'standard', retryLimit: 2, retryDelaySeconds: 30, expireInSeconds: 3600 },
  // The storage policy's sweep (recordings/rendition-policy-job.ts), one per slot like retention's;
  // a province's day of replays to thin is a few thousand folders, well inside the hour.
  'storage-policy': { policy: 'standard', retryLimit: 2, retryDelaySeconds: 30, expireInSeconds: 3600 },
};

export const queueNames = Object.keys(queuePolicies) as QueueName[];

/**
 * Replay uploads: one queue per ingest node, as only the node holding a replay's files can upload
 * them. No retries here: a failed upload's backoff is kept in the catalog (upload_retry_at), and
 * the node's folder scan sends the job again when it is due (replay-uploader.ts).
 */
export const uploadQueueName = (node: string) => `replay-upload.${node}`;
export const uploadQueuePolicy: QueuePolicy = { policy: 'stately', retryLimit: 0, retryDelaySeconds: 0, expireInSeconds: 1800 };
