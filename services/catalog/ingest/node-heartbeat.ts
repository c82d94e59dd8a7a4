// Keeps this ingest node's row in the catalog fresh while it runs (ingest-nodes.ts): written once at
// start (a failure there fails the start, as the catalog is needed anyway), then every
// heartbeatSeconds; a failed beat is logged once until one succeeds again. Each write carries the
// node's load from the `load` callback the ingest role passes in (so the catalog imports nothing of
// the ingest). Closing stops the beats and removes the row, so the node's classrooms move at once.
import type { Logger } from '../../core/log.ts';
import type { Database } from '../db/database.ts';
import { heartbeatIngestNode, joinIngestNodes, leaveIngestNodes, type IngestNode, type NodeLoad } from './ingest-nodes.ts';

export type NodeHeartbeat = { close(): Promise<void> };

export type NodeHeartbeatOptions = {
  heartbeatSeconds: number;
  log: Logger;
  /** The node's load now, read at each beat; without it the node reports none (it counts as idle). */
  load?: () => NodeLoad;
};

export async function startNodeHeartbeat(db: Database, node: IngestNode, options: NodeHeartbeatOptions): Promise<NodeHeartbeat> {
  const { log } = options;
  await joinIngestNodes(db, node, options.load?.());
  log.info('ingest node joined the catalog', { ...node, heartbeatSeconds: options.heartbeatSeconds });
  let failing = false;
  let beating: Promise<void> = Promise.resolve();
  const beat = async () => {
    try {
      await heartbeatIngestNode(db, node, options.load?.());
      if (failing) log.info('ingest node heartbeat written again');
      failing = false;
    } catch (error) {
      if (!failing) log.error('ingest node heartbeat not written: other nodes will take its classrooms if this lasts', { error });
      failing = true;
    }
  };
  const timer = setInterval(() => void (beating = beating.then(beat)), options.heartbeatSeconds * 1000);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await beating;
      await leaveIngestNodes(db, node.id).catch((error: unknown) => log.error('ingest node not removed from the catalog; it counts as down after the down bound', { error }));
    },
  };
}
