// The multi-node Classcast of one province on one machine (npm run cluster, the cluster test): which
// processes run, on which ports, pulling from which upstreams, and the configuration file each one
// is given. Pure: ports, folders and secrets come in, config objects go out.
//
//   PostgreSQL <- catalog (pages, API)            encoders push to the ingest node the catalog assigns
//             <- ingest-1, ingest-2 (RTMP + origin HTTP of the lessons each carries)
//   origin (a relay over both ingest nodes) <- city-1, city-2 <- school (city-1, then city-2)
import { join } from 'node:path';
import type { ConfigInput } from '../../services/core/config/schema.ts';

export const nodeIds = ['catalog', 'ingest-1', 'ingest-2', 'origin', 'city-1', 'city-2', 'school'] as const;
export type NodeId = (typeof nodeIds)[number];
export type NodeRole = 'catalog' | 'ingest' | 'relay';

/** Ports chosen before anything starts, so every config can name its upstreams. */
export type ClusterPorts = { http: Record<NodeId, number>; rtmp: Record<'ingest-1' | 'ingest-2', number> };

export type ClusterNode = {
  id: NodeId;
  role: NodeRole;
  /** What the node is in the province, for the URL table. */
  description: string;
  httpUrl: string;
  /** Where encoders push on an ingest node, without the stream key. */
  rtmpUrl?: string;
  configFile: string;
  config: ConfigInput;
};

export type ClusterTopology = {
  dir: string;
  classroom: { id: string; key: string };
  /** In start order: each tier needs the ones before it; the cluster stops them in reverse. */
  tiers: ClusterNode[][];
  node(id: NodeId): ClusterNode;
  catalogUrl: string;
};

export type TopologyInput = {
  /** The cluster folder: one config file and one data folder per node. */
  dir: string;
  databaseUrl: string;
  ports: ClusterPorts;
  classroom: { id: string; key: string };
  /** Shared by every node, so a token the catalog signs is accepted by every relay and origin. */
  playbackSecret: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Added to both ingest nodes' configuration (the test makes the ladder cheap). */
  ingestOverrides?: Pick<ConfigInput, 'transcode' | 'ingest'>;
};

const host = '127.0.0.1';

export function clusterTopology(input: TopologyInput): ClusterTopology {
  const httpUrl = (id: NodeId) => `http://${host}:${input.ports.http[id]}`;
  const common = (id: NodeId): ConfigInput => ({
    node: { id },
    log: { level: input.logLevel ?? 'info' },
    dataDir: join(input.dir, id),
    http: { host, port: input.ports.http[id] },
    playback: { secrets: [input.playbackSecret] },
    demo: { enabled: false },
  });
  const make = (id: NodeId, role: NodeRole, description: string, config: ConfigInput, rtmpUrl?: string): ClusterNode => ({
    id,
    role,
    description,
    httpUrl: httpUrl(id),
    ...(rtmpUrl ? { rtmpUrl } : {}),
    configFile: join(input.dir, `${id}.yml`),
    config: { ...common(id), ...config },
  });

  const ingestNode = (id: 'ingest-1' | 'ingest-2') => {
    const rtmpUrl = `rtmp://${host}:${input.ports.rtmp[id]}/live`;
    return make(id, 'ingest', 'RTMP in, origin HTTP of the lessons it carries', {
      databaseUrl: input.databaseUrl,
      rtmp: { host, port: input.ports.rtmp[id] },
      classrooms: [input.classroom],
      // What the catalog's assignment API hands encoders and the node list shows: this node's own addresses.
      ingest: { ...input.ingestOverrides?.ingest, rtmpUrl, httpUrl: httpUrl(id) },
      ...(input.ingestOverrides?.transcode ? { transcode: input.ingestOverrides.transcode } : {}),
    }, rtmpUrl);
  };
  const relayNode = (id: NodeId, description: string, upstreams: NodeId[]) =>
    make(id, 'relay', description, { relay: { upstreams: upstreams.map(httpUrl) } });

  const catalog = make('catalog', 'catalog', 'API and pages; assigns classrooms to ingest nodes', {
    databaseUrl: input.databaseUrl,
    // Players start at the school relay and fall back to the city relays if it fails.
    web: { mediaUrls: [httpUrl('school'), httpUrl('city-1'), httpUrl('city-2')] },
    // The operator dashboard reads every tier's /metrics, as a Prometheus would.
    dashboard: {
      tiers: [
        { url: httpUrl('ingest-1'), kind: 'ingest' },
        { url: httpUrl('ingest-2'), kind: 'ingest' },
        ...(['origin', 'city-1', 'city-2', 'school'] as const).map((id) => ({ url: httpUrl(id), kind: 'relay' as const })),
      ],
    },
  });
  const tiers: ClusterNode[][] = [
    [catalog],
    [ingestNode('ingest-1'), ingestNode('ingest-2')],
    // The province origin is a relay whose upstreams are both ingest nodes: it asks the one carrying a lesson.
    [relayNode('origin', 'province origin: relay over both ingest nodes', ['ingest-1', 'ingest-2'])],
    [relayNode('city-1', 'city relay', ['origin']), relayNode('city-2', 'city relay', ['origin'])],
    [relayNode('school', 'school relay: city-1, then city-2', ['city-1', 'city-2'])],
  ];
  const byId = new Map(tiers.flat().map((node) => [node.id, node]));
  return {
    dir: input.dir,
    classroom: input.classroom,
    tiers,
    node: (id) => byId.get(id)!,
    catalogUrl: httpUrl('catalog'),
  };
}
