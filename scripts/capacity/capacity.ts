// node --import tsx scripts/capacity/capacity.ts [--classrooms N] [--students N] [--p2p-share S] ...
// Prints what a province needs at its peak (docs/capacity.md explains the model and works the
// default example); --json prints the plan as one JSON object instead.
import { parseArgs } from 'node:util';
import { planCapacity, type CapacityInputs } from './capacity-model.ts';
import { figuresList, percent, planTable, sensitivityTable, storageTable } from './capacity-report.ts';
import { defaultInputs, defaultStorage } from './default-inputs.ts';
import { fileLayer, resolveConfig } from '../../services/core/config/load.ts';
import { renditionChoiceSchema, type PolicyStep } from '../../services/core/rendition-policy.ts';
import { planStorage, type StorageInputs } from './storage-model.ts';
import { measuredFigures } from './measured-figures.ts';

const usage = `usage: node --import tsx scripts/capacity/capacity.ts [flags]   (defaults: the docs/capacity.md example)

  --classrooms N           classrooms live at the peak (${defaultInputs.classrooms})
  --students N             students watching at the peak (${defaultInputs.students})
  --cities N               cities, of equal size (${defaultInputs.cities})
  --p2p-share S            share of a home viewer's bytes from peers, 0-1 (measured: ${defaultInputs.p2pShare})
  --school-share S         share of students behind school relays, 0-1 (${defaultInputs.schoolShare})
  --students-per-school N  students behind one school relay (${defaultInputs.studentsPerSchool})
  --lessons-per-school N   lessons one school relay carries at once (${defaultInputs.lessonsPerSchool})
  --mix R=S,R=S            home viewers per rendition (${Object.entries(defaultInputs.renditionMix).map(([name, share]) => `${name}=${share}`).join(',')})
  --headroom S             spare capacity over the peak, 0.25 = 25 % (${defaultInputs.headroom})
  --wire-overhead S        bytes on the wire over the media bitrate (${defaultInputs.wireOverhead})
  --segment-seconds N      segment duration (${defaultInputs.segmentSeconds})
  --ingest-node-cores N    cores per ingest machine (${defaultInputs.ingestNodeCores})
  --relay-node-cores N     cores (relay processes) per city relay machine (${defaultInputs.relayNodeCores})
  --relay-nic-gbps N       NIC per city relay machine (${defaultInputs.relayNicGbps})
  --encoder-kbps N         what each classroom encoder pushes (${defaultInputs.encoderKbps})
  --routing lesson|any     viewers of a lesson on one relay process per city, or on any (${defaultInputs.routing})
  --hours-per-day N        hours each classroom records a day (${defaultStorage.hoursPerDay})
  --retention-days N       days a replay is kept (${defaultStorage.retentionDays})
  --config FILE            a Classcast config file: its retention and storage policy steps
                           (default: the configuration's defaults, ${describePolicy(defaultStorage.policy)})
  --policy-full-days N     one step instead: days a replay keeps its whole ladder
  --policy-keep K          then: top-and-lowest, top, lowest, or renditions by name (e.g. top,480p)
  --json                   print the plan as JSON
`;

const numberFlags = {
  classrooms: 'classrooms',
  students: 'students',
  cities: 'cities',
  'p2p-share': 'p2pShare',
  'school-share': 'schoolShare',
  'students-per-school': 'studentsPerSchool',
  'lessons-per-school': 'lessonsPerSchool',
  headroom: 'headroom',
  'wire-overhead': 'wireOverhead',
  'segment-seconds': 'segmentSeconds',
  'ingest-node-cores': 'ingestNodeCores',
  'relay-node-cores': 'relayNodeCores',
  'relay-nic-gbps': 'relayNicGbps',
  'encoder-kbps': 'encoderKbps',
} as const satisfies Record<string, keyof CapacityInputs>;

const storageFlags = { 'hours-per-day': 'hoursPerDay', 'retention-days': 'retentionDays' } as const;

function inputsFrom(argv: string[]): { inputs: CapacityInputs; storage: Omit<StorageInputs, 'lessons' | 'ladder'>; json: boolean; help: boolean } {
  const options = {
    ...Object.fromEntries([...Object.keys(storageFlags), 'policy-full-days', 'policy-keep', 'config'].map((flag) => [flag, { type: 'string' as const }])),
    ...Object.fromEntries(Object.keys(numberFlags).map((flag) => [flag, { type: 'string' as const }])),
    mix: { type: 'string' as const },
    routing: { type: 'string' as const },
    json: { type: 'boolean' as const },
    help: { type: 'boolean' as const, short: 'h' },
  };
  const { values } = parseArgs({ args: argv, options, strict: true });
  // The number flags' options are built from numberFlags' keys, so parseArgs types them only as strings by name.
  const byName = values as Record<string, string | boolean | undefined>;
  const inputs: CapacityInputs = { ...defaultInputs, renditionMix: { ...defaultInputs.renditionMix } };
  for (const [flag, key] of Object.entries(numberFlags)) {
    const text = byName[flag];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`--${flag}: expected a number, got '${text}'`);
    inputs[key] = value;
  }
  if (typeof values.mix === 'string') inputs.renditionMix = parseMix(values.mix);
  const storage = { ...defaultStorage };
  if (typeof byName.config === 'string') {
    // The same file the platform runs with: its retention and its storage policy.
    const config = resolveConfig([fileLayer(byName.config)]);
    storage.retentionDays = config.catalog.recordingRetentionDays;
    storage.policy = config.storage.renditionPolicy.steps;
  }
  const numberOf = (flag: string, text: string) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`--${flag}: expected a number, got '${text}'`);
    return value;
  };
  for (const [flag, key] of Object.entries(storageFlags)) if (typeof byName[flag] === 'string') storage[key] = numberOf(flag, byName[flag]);
  const fullDays = byName['policy-full-days'];
  const keep = byName['policy-keep'];
  if (typeof fullDays === 'string' || typeof keep === 'string') {
    const base: PolicyStep = storage.policy[0] ?? { afterDays: 30, keep: ['top', 'lowest'] };
    const afterDays = typeof fullDays === 'string' ? numberOf('policy-full-days', fullDays) : base.afterDays;
    if (!(afterDays >= 0)) throw new Error(`--policy-full-days: expected 0 or more, got ${afterDays}`);
    storage.policy = [{ afterDays, keep: typeof keep === 'string' ? keptNames(keep) : base.keep }];
  }
  if (typeof values.routing === 'string') {
    if (values.routing !== 'lesson' && values.routing !== 'any') throw new Error(`--routing: expected lesson or any, got '${values.routing}'`);
    inputs.routing = values.routing;
  }
  return { inputs, storage, json: values.json === true, help: values.help === true };
}

/** --policy-keep: 'top-and-lowest' (the old spelling), or a comma list checked as the API checks it. */
function keptNames(text: string): PolicyStep['keep'] {
  if (text === 'top-and-lowest') return ['top', 'lowest'];
  if (text === 'all') return 'all';
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    const checked = renditionChoiceSchema.safeParse(name);
    if (!checked.success) throw new Error(`--policy-keep: '${name}': ${checked.error.issues[0]!.message}`);
  }
  return names;
}

function describePolicy(steps: readonly PolicyStep[]): string {
  return steps.length === 0 ? 'no steps' : steps.map((step) => `from day ${step.afterDays} keep ${step.keep === 'all' ? 'all' : step.keep.join('+')}`).join(', ');
}

function parseMix(text: string): Record<string, number> {
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [name, share] = pair.split('=');
      const value = Number(share);
      if (!name || share === undefined || !Number.isFinite(value)) throw new Error(`--mix: expected RENDITION=SHARE pairs like 720p=0.3, got '${pair}'`);
      return [name.trim(), value];
    }),
  );
}

function main(): number {
  let parsed;
  try {
    parsed = inputsFrom(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`capacity: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { inputs, json, help } = parsed;
  if (help) return void process.stdout.write(usage), 0;
  let plan;
  let storage;
  const storageInputs: StorageInputs = { ...parsed.storage, lessons: inputs.classrooms, ladder: measuredFigures.ladder };
  try {
    plan = planCapacity(inputs, measuredFigures);
    storage = planStorage(storageInputs);
  } catch (error) {
    process.stderr.write(`capacity: ${(error as Error).message}\n`);
    return 2;
  }
  if (json) return void process.stdout.write(`${JSON.stringify({ inputs, plan, storage: { inputs: parsed.storage, plan: storage } })}\n`), 0;

  const measuredP2p = measuredFigures.p2pShare.value;
  const p2pShares = [...new Set([0, measuredP2p, 0.5, 0.7, 0.9, inputs.p2pShare])].sort((a, b) => a - b);
  const schoolShares = [...new Set([0, 0.25, 0.5, 0.75, inputs.schoolShare])].sort((a, b) => a - b);
  process.stdout.write(
    [
      `Classcast capacity: ${inputs.classrooms.toLocaleString('en-US')} live classrooms, ${inputs.students.toLocaleString('en-US')} students watching,`,
      `${inputs.cities} cities, P2P share ${percent(inputs.p2pShare)}, ${percent(inputs.schoolShare)} behind school relays, headroom ${percent(inputs.headroom)}`,
      '',
      planTable(inputs, plan),
      '',
      storageTable(storageInputs, storage),
      '',
      'Sensitivity to the P2P share (the rest as above):',
      sensitivityTable(inputs, measuredFigures, 'p2pShare', p2pShares),
      '',
      'Sensitivity to the share of students behind school relays:',
      sensitivityTable(inputs, measuredFigures, 'schoolShare', schoolShares),
      '',
      'Measured figures (scripts/capacity/measured-figures.ts):',
      figuresList(measuredFigures),
      '',
    ].join('\n'),
  );
  return 0;
}

process.exitCode = main();
