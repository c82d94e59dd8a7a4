// What the storage policy removed in this process, counted by the job (rendition-policy-job.ts) and
// read by /metrics (services/stats/rendition-policy-metrics.ts), by where the replay rests.
// Process-wide, like qa-counts.ts: a process serves one catalog.
export const renditionPolicyCounts = {
  freedBytes: { local: 0, bucket: 0 },
  renditionsDropped: { local: 0, bucket: 0 },
  mp4sRemoved: { local: 0, bucket: 0 },
};
