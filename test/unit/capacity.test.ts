// The capacity model's arithmetic (scripts/capacity/capacity-model.ts): what scales with what, what
// P2P removes, where node counts round up, and that its measured figures are the ones the
// benchmark pages report. The script itself is run once for real, as an operator would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ladderBitrates, planCapacity, relayProcessCapacity, type CapacityInputs } from '../../scripts/capacity/capacity-model.ts';
import { defaultInputs } from '../../scripts/capacity/default-inputs.ts';
import { measuredFigures } from '../../scripts/capacity/measured-figures.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const plan = (changes: Partial<CapacityInputs>) => planCapacity({ ...defaultInputs, ...changes }, measuredFigures);
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);

test('the ladder is the one ingest chooses for 720p30, and the viewer mean follows the mix', () => {
  assert.deepEqual(
    measuredFigures.ladder.map((rung) => [rung.name, rung.videoKbps, rung.audioKbps]),
    [
      ['720p', 2500, 96],
      ['480p', 1100, 96],
      ['360p', 600, 96],
    ],
  );
  const { ladderKbps, meanViewerKbps } = ladderBitrates(measuredFigures.ladder, { '720p': 0.3, '480p': 0.4, '360p': 0.3 });
  assert.equal(ladderKbps, 2596 + 1196 + 696);
  close(meanViewerKbps, 0.3 * 2596 + 0.4 * 1196 + 0.3 * 696, 'mean viewer kb/s');
  close(ladderBitrates(measuredFigures.ladder, { '360p': 1 }).meanViewerKbps, 696, 'everyone on 360p');
  assert.throws(() => ladderBitrates(measuredFigures.ladder, { '720p': 0.5, '480p': 0.4 }), /add up to 0.9/);
  assert.throws(() => ladderBitrates(measuredFigures.ladder, { '1080p': 1 }), /'1080p' is not in the ladder/);
});

test('doubling the students doubles what the city relays send, and leaves ingest alone', () => {
  const base = plan({ schoolShare: 0 });
  const doubled = plan({ schoolShare: 0, students: defaultInputs.students * 2 });
  close(doubled.city.egressToHomesGbps, 2 * base.city.egressToHomesGbps, 'egress to homes');
  close(doubled.city.egressGbps, 2 * base.city.egressGbps, 'city egress');
  close(doubled.city.requestsPerSecond, 2 * base.city.requestsPerSecond, 'requests');
  assert.ok(doubled.city.processes > base.city.processes);
  assert.deepEqual(doubled.ingest, base.ingest);
  assert.deepEqual(doubled.province, base.province);
  // With school relays, home egress still doubles; school relays round up per relay.
  const withSchools = plan({});
  const withSchoolsDoubled = plan({ students: defaultInputs.students * 2 });
  close(withSchoolsDoubled.city.egressToHomesGbps, 2 * withSchools.city.egressToHomesGbps, 'egress to homes with schools');
  assert.equal(withSchools.school.relays, Math.ceil((defaultInputs.students * 0.5) / 300));
});

test('P2P takes its share off the home viewers\' HTTP bytes, and nothing off the province', () => {
  const none = plan({ p2pShare: 0 });
  const seventy = plan({ p2pShare: 0.7 });
  close(seventy.city.egressToHomesGbps, 0.3 * none.city.egressToHomesGbps, 'egress to homes at 70 %');
  close(seventy.city.egressToSchoolsGbps, none.city.egressToSchoolsGbps, 'school relays do not use P2P');
  assert.equal(none.p2p.bytesFromPeersGbps, 0);
  close(seventy.p2p.bytesFromPeersGbps + seventy.city.egressToHomesGbps, none.city.egressToHomesGbps, 'peers carry what the relays no longer send');
  assert.deepEqual(seventy.province, none.province);
  assert.ok(seventy.city.processes <= none.city.processes);
  assert.ok(seventy.city.machines < none.city.machines);
  // Playlists still come from the relay: 70 % P2P removes only 70 % of the segment requests.
  const homeViewers = none.city.homeViewers;
  const segmentRequests = homeViewers * (1 / defaultInputs.segmentSeconds);
  close(none.city.requestsPerSecond - seventy.city.requestsPerSecond, 0.7 * segmentRequests, 'requests saved');
});

test('node counts round up, and headroom is spare capacity on top', () => {
  const small = { ingestNodeCores: 2, headroom: 0 };
  // 6 lessons keep the full ladder on 2 cores: 12 lessons are 2 nodes, 13 are 3.
  assert.equal(plan({ ...small, classrooms: 12 }).ingest.nodes, 2);
  assert.equal(plan({ ...small, classrooms: 13 }).ingest.nodes, 3);
  assert.equal(plan({ ...small, classrooms: 13 }).ingest.cores, 5);
  assert.equal(plan({ ...small, classrooms: 13 }).ingest.lessonsPerNode, 6);
  // 25 % headroom on an 8-core node: 24 lessons of capacity, 19 planned (24 / 1.25 = 19.2, rounded down).
  assert.equal(plan({ classrooms: 2000 }).ingest.lessonsPerNode, 19);
  assert.equal(plan({ classrooms: 2000 }).ingest.nodes, Math.ceil(2000 / 19));
  assert.throws(() => plan({ ingestNodeCores: 0.25 }), /holds no lesson/);

  // Relay processes: the request rate one process held in the viewers benchmark.
  const capacity = relayProcessCapacity(measuredFigures);
  assert.equal(capacity.requestsPerSecond, 3200 * 1.5);
  const oneCity = { cities: 1, schoolShare: 0, p2pShare: 0, headroom: 0, relayNicGbps: 1000 };
  assert.equal(plan({ ...oneCity, students: 3200 }).city.processesPerCity, 1);
  assert.equal(plan({ ...oneCity, students: 3201 }).city.processesPerCity, 2);
  assert.equal(plan({ ...oneCity, students: 3200, headroom: 0.25 }).city.processesPerCity, 2);
  // A machine holds one process per core, unless its NIC fills first.
  assert.equal(plan({ ...oneCity, students: 3200 * 9, relayNodeCores: 8 }).city.machinesPerCity, 2);
  const nicBound = plan({ ...oneCity, students: 3200 * 9, relayNodeCores: 8, relayNicGbps: 10 });
  assert.equal(nicBound.city.machinesPerCity, Math.ceil(nicBound.city.egressGbps / 10));
  assert.ok(nicBound.city.machinesPerCity > 2);
});

test('routing viewers of a lesson to any relay process multiplies what the province sends', () => {
  const byLesson = plan({ routing: 'lesson' });
  const anywhere = plan({ routing: 'any' });
  close(byLesson.province.egressPerCityGbps, (2000 * 4488 * 1.05) / 1e6, 'one pull of every lesson per city');
  close(anywhere.province.egressToCitiesGbps, byLesson.province.egressToCitiesGbps * anywhere.city.processesPerCity, 'one pull per process');
});

test('bad inputs are refused with the name of the input', () => {
  assert.throws(() => plan({ p2pShare: 1.2 }), /p2pShare: expected a share from 0 to 1/);
  assert.throws(() => plan({ students: 0 }), /students: expected a number above 0/);
  assert.throws(() => plan({ headroom: -0.1 }), /headroom/);
});

test('every measured figure is the one its benchmark page reports', () => {
  const benchmarks = readFileSync(`${root}docs/benchmarks.md`, 'utf8');
  // The numbers each figure is computed from, as the page prints them.
  for (const text of [
    '| 6 | **one process** | 168.3 % | 28.1 % | 8.0 | 10 of 10',
    '| 3 (after the 10 s warm-up; 2.97x) | 4 | 141 % | 10 of 10',
    'went 3.92x, 3.48x, 2.97x',
    '| 3,200 | 1,736 ms',
    'polling the playlist every second',
    'with 2 s segments',
    '29.9 |',
    '24.9 |',
    '| 8 | P2P (final setting) | **81.7 %**',
  ]) {
    assert.ok(benchmarks.includes(text), `docs/benchmarks.md no longer says '${text}': update scripts/capacity/measured-figures.ts`);
  }
  assert.equal(measuredFigures.transcodeLessonsPerCore.value, 6 / 2);
  assert.equal(measuredFigures.relayViewersPerProcess.value, 3200);
  assert.equal(measuredFigures.p2pShare.value, 0.817);
  for (const figure of Object.values(measuredFigures)) {
    if ('source' in figure) assert.match(figure.source, /docs\/benchmarks\.md/);
  }
});

test('the script prints the plan the model computes, and refuses a bad flag', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/capacity/capacity.ts', ...args], { cwd: root, encoding: 'utf8' });
  const json = run(['--json', '--students', '120000', '--p2p-share', '0.7', '--mix', '720p=0.5,480p=0.5', '--routing', 'any']);
  assert.equal(json.status, 0, json.stderr);
  const printed = JSON.parse(json.stdout) as { inputs: CapacityInputs; plan: unknown };
  assert.equal(printed.inputs.students, 120000);
  assert.deepEqual(printed.plan, JSON.parse(JSON.stringify(plan({ students: 120000, p2pShare: 0.7, renditionMix: { '720p': 0.5, '480p': 0.5 }, routing: 'any' }))));

  const table = run([]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /ingest: nodes of 8 cores \(19 lessons each\)\s+106/);
  assert.match(table.stdout, /Sensitivity to the P2P share/);
  assert.match(table.stdout, /^70 %/m);
  // The measured share keeps its decimal, in the heading and in its own row.
  assert.match(table.stdout, /P2P share 81\.7 %,/);
  assert.match(table.stdout, /^81\.7 % +63\.2 Gb\/s/m);

  const bad = run(['--p2p-share', 'lots']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--p2p-share: expected a number, got 'lots'/);
  const unknown = run(['--viewers', '5']);
  assert.equal(unknown.status, 2);
});
