// npm run cluster [-- --demo] [--dir DIR] [--log-level LEVEL]: a province's Classcast as separate
// processes on this machine (docs/cluster.md): PostgreSQL, the catalog, two ingest nodes, the
// province origin, two city relays and a school relay. Prints the cluster folder (a config file and
// a log per node) and the URLs, and stops everything on Ctrl-C or SIGTERM. --demo pushes a demo
// lesson to the ingest node the catalog assigns, and follows it when that node goes away.
import { parseArgs } from 'node:util';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { startAssignedEncoder, type AssignedEncoder } from './assigned-encoder.ts';
import { startCluster } from './start-cluster.ts';
import { clusterUrlTable } from './url-table.ts';

const usage = 'usage: npm run cluster -- [--demo] [--dir DIR] [--log-level debug|info|warn|error]';
const logLevels = ['debug', 'info', 'warn', 'error'] as const;

let values;
try {
  ({ values } = parseArgs({ options: { demo: { type: 'boolean', default: false }, dir: { type: 'string' }, 'log-level': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const logLevel = logLevels.find((level) => level === values['log-level']);
if (values['log-level'] !== undefined && !logLevel) {
  console.error(`--log-level: '${values['log-level']}' is not one of ${logLevels.join(', ')}\n${usage}`);
  process.exit(2);
}

const say = (message: string) => console.log(`[cluster] ${message}`);
// A Ctrl-C during start-up waits for the start to finish (or fail), then stops what started.
let stopRequested = false;
const stopSignal = new Promise<void>((resolve) => {
  const onSignal = () => {
    if (stopRequested) return;
    stopRequested = true;
    say('stopping the cluster (nodes in reverse order, PostgreSQL last)');
    resolve();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

let cluster;
try {
  cluster = await startCluster({ ...(values.dir ? { dir: values.dir } : {}), ...(logLevel ? { logLevel } : {}), onEvent: say });
} catch (error) {
  console.error(`[cluster] could not start: ${(error as Error).message}`);
  process.exit(1);
}
const { topology } = cluster;
console.log(`\nCluster folder (a config file and a log per node): ${topology.dir}\n`);
console.log(clusterUrlTable(topology));
console.log(`\nClassroom ${topology.classroom.id}, stream key ${topology.classroom.key}: ask the catalog where to push:`);
console.log(`  curl -s -X POST -H 'content-type: application/json' -d '{"streamKey":"${topology.classroom.key}"}' ${topology.catalogUrl}/api/v1/ingest/assignment`);
console.log(`Lessons play at ${topology.catalogUrl}/ (the timetable) through the school relay. Ctrl-C stops the cluster.\n`);

let encoder: AssignedEncoder | undefined;
if (values.demo && !stopRequested) {
  encoder = startAssignedEncoder({
    catalogUrl: topology.catalogUrl,
    streamKey: topology.classroom.key,
    ffmpegPath: findMediaTool('ffmpeg', process.env.FFMPEG_PATH),
    width: 1280,
    height: 720,
    fps: 30,
    audio: true,
    title: 'Classcast cluster demo lesson',
    onEvent: (message) => say(`demo encoder: ${message}`),
  });
}

// A node that dies on its own is reported; the others keep running (that is what a cluster is for).
for (const [id, node] of cluster.processes) {
  void node.exited.then((code) => {
    if (!stopRequested) say(`${id} exited (code ${code}); its log: ${node.logFile}`);
  });
}

await stopSignal;
await encoder?.stop();
await cluster.stop();
say(`stopped; configs and logs are kept in ${topology.dir}`);
