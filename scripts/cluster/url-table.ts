// What `npm run cluster` prints once the cluster is up: each node, what it is, and where to reach it.
import type { ClusterTopology } from './topology.ts';

export function clusterUrlTable(topology: ClusterTopology): string {
  const rows = topology.tiers.flat().flatMap((node) => {
    const urls = [`${node.httpUrl}/`];
    if (node.role === 'catalog') urls.push(`${node.httpUrl}/dashboard`, `${node.httpUrl}/api/v1/ingest/assignment (POST {"streamKey"})`);
    if (node.rtmpUrl) urls.push(`${node.rtmpUrl}/<stream key>`);
    return urls.map((url, index) => (index === 0 ? [node.id, node.description, url] : ['', '', url]));
  });
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`).join('\n');
}
