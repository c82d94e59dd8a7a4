// The catalog forgets ingest nodes gone for good (ingest-nodes.ts forgetGoneIngestNodes): every
// nodeSweepSeconds, rows whose heartbeat is older than nodeForgetMinutes go. One sweep per catalog;
// several catalogs sweeping at once delete each row once, as the delete is one statement.
import type { Logger } from '../../core/log.ts';
import type { Queryable } from '../db/database.ts';
import { forgetGoneIngestNodes } from './ingest-nodes.ts';

export type NodeSweeper = { close(): Promise<void> };

export function startNodeSweeper(db: Queryable, options: { forgetMinutes: number; sweepSeconds: number; log: Logger }): NodeSweeper {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running
      .then(async () => {
        for (const node of await forgetGoneIngestNodes(db, options.forgetMinutes * 60)) {
          options.log.info('ingest node forgotten: gone longer than ingest.nodeForgetMinutes', { ingestNode: node, forgetMinutes: options.forgetMinutes });
        }
      })
      .catch((error: unknown) => options.log.error('ingest node sweep failed; tried again at the next one', { error }));
  };
  sweep();
  const timer = setInterval(sweep, options.sweepSeconds * 1000);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
