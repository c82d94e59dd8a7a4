// Job queue settings for tests: expiries, maintenance and polling in seconds, not minutes, so a job
// whose process was killed is taken again within the test's time.
import type { JobQueueOptions } from '../../services/catalog/jobs/job-queue.ts';

export const testQueueOptions: JobQueueOptions = {
  maintenanceIntervalSeconds: 1,
  pollingIntervalSeconds: 0.5,
  policies: {
    'mp4-prepare': { policy: 'stately', retryLimit: 3, retryDelaySeconds: 1, expireInSeconds: 2 },
    'retention-sweep': { policy: 'standard', retryLimit: 1, retryDelaySeconds: 1, expireInSeconds: 30 },
  },
};
