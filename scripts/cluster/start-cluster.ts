// Starts the whole topology (topology.ts) as real processes: a throwaway PostgreSQL, then the
// catalog, then every other node at once (relays need no upstream to start), each on free loopback
// ports with its own config file, data folder and log in the cluster folder. Stops them in reverse
// tier order, PostgreSQL last, so ingest nodes still reach the catalog when they sign off.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../services/core/port-check.ts';
import { startNodeProcess, type NodeProcess } from './node-process.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.ts';
import { clusterTopology, nodeIds, type ClusterPorts, type ClusterTopology, type NodeId, type TopologyInput } from './topology.ts';

export type Cluster = {
  topology: ClusterTopology;
  postgres: ThrowawayPostgres;
  /** The running process of each node (a node killed by a test stays here, exited). */
  processes: Map<NodeId, NodeProcess>;
  process(id: NodeId): NodeProcess;
  /** Stops every node still running, tier by tier in reverse, then PostgreSQL; safe to call twice. */
  stop(): Promise<void>;
};

export type StartClusterOptions = {
  /** The cluster folder; by default a new one under the system's temporary folder. */
  dir?: string;
  logLevel?: TopologyInput['logLevel'];
  ingestOverrides?: TopologyInput['ingestOverrides'];
  onEvent?: (message: string) => void;
};

export async function startCluster(options: StartClusterOptions = {}): Promise<Cluster> {
  const say = options.onEvent ?? (() => {});
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'classcast-cluster-'));
  mkdirSync(dir, { recursive: true });
  const postgres = await startThrowawayPostgres();
  say(`PostgreSQL is up (${postgres.url('postgres')})`);
  const processes = new Map<NodeId, NodeProcess>();
  let topology: ClusterTopology | undefined;

  const stop = async () => {
    for (const tier of [...(topology?.tiers ?? [])].reverse()) {
      await Promise.all(tier.map(async (node) => {
        const running = processes.get(node.id);
        if (!running?.running()) return;
        say(`stopping ${node.id}`);
        await running.stop();
      }));
    }
    say('stopping PostgreSQL');
    await postgres.stop();
  };

  try {
    topology = clusterTopology({
      dir,
      databaseUrl: await postgres.createDatabase('classcast'),
      ports: await freePorts(),
      classroom: { id: 'cluster-room', key: `cluster-${randomBytes(12).toString('hex')}` },
      playbackSecret: randomBytes(32).toString('hex'),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      ...(options.ingestOverrides ? { ingestOverrides: options.ingestOverrides } : {}),
    });
    for (const node of topology.tiers.flat()) {
      mkdirSync(join(dir, node.id), { recursive: true });
      writeFileSync(node.configFile, `# ${node.id}: ${node.description}\n${stringify(node.config)}`);
    }
    const start = async (ids: NodeId[]) => {
      await Promise.all(ids.map(async (id) => {
        const node = topology!.node(id);
        const running = await startNodeProcess({ id, role: node.role, configFile: node.configFile, logFile: join(dir, `${id}.log`), httpUrl: node.httpUrl });
        processes.set(id, running);
        say(`${id} is up (pid ${running.pid})`);
      }));
    };
    // The catalog first: it runs the migrations the ingest nodes' sign-in needs (they would wait on
    // the same advisory lock), and a failure there is the clearest to report.
    await start(['catalog']);
    await start(nodeIds.filter((id) => id !== 'catalog'));
  } catch (error) {
    await stop();
    throw error;
  }
  const started = topology;
  return {
    topology: started,
    postgres,
    processes,
    process: (id) => {
      const running = processes.get(id);
      if (!running) throw new Error(`no process for ${id}`);
      return running;
    },
    stop,
  };
}

/** Nine different free ports (the system may hand the same free port out twice in a row). */
async function freePorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const next = async () => {
    for (;;) {
      const port = await freePort();
      if (taken.has(port)) continue;
      taken.add(port);
      return port;
    }
  };
  const http = {} as Record<NodeId, number>;
  for (const id of nodeIds) http[id] = await next();
  return { http, rtmp: { 'ingest-1': await next(), 'ingest-2': await next() } };
}
