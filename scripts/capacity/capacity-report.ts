// The capacity script's printout: the plan for the given inputs, how it moves with the P2P share and
// the share of students behind school relays, and the measured figures it rests on.
import { textTable } from '../bench/text-table.ts';
import { planCapacity, type CapacityInputs, type CapacityPlan } from './capacity-model.ts';
import type { MeasuredFigures } from './measured-figures.ts';
import { describeStretches, type StorageInputs, type StoragePlan } from './storage-model.ts';

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const oneDecimal = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
// One decimal where it has one: the measured P2P share is 81.7 %, not 82 %.
export const percent = (share: number) => `${Number((share * 100).toFixed(1))} %`;

export function planTable(inputs: CapacityInputs, plan: CapacityPlan): string {
  const rows: string[][] = [
    ['ladder (all renditions, video + audio)', `${whole(plan.ladderKbps)} kb/s`],
    ['mean home viewer (by the rendition mix)', `${whole(plan.meanViewerKbps)} kb/s`],
    ['ingest: live lessons', whole(plan.ingest.liveLessons)],
    ['ingest: cores', whole(plan.ingest.cores)],
    [`ingest: nodes of ${inputs.ingestNodeCores} cores (${plan.ingest.lessonsPerNode} lessons each)`, whole(plan.ingest.nodes)],
    ['ingest: encoders in (RTMP)', `${oneDecimal(plan.ingest.encoderInGbps)} Gb/s`],
    ['ingest: replay storage per lesson-hour', `${oneDecimal(plan.ingest.replayGbPerLessonHour)} GB`],
    [`province: egress to cities (${inputs.cities}, routing by ${inputs.routing})`, `${oneDecimal(plan.province.egressToCitiesGbps)} Gb/s`],
    ['province: egress per city', `${oneDecimal(plan.province.egressPerCityGbps)} Gb/s`],
    ['city: home viewers', whole(plan.city.homeViewers)],
    ['city: egress to home viewers (after P2P)', `${oneDecimal(plan.city.egressToHomesGbps)} Gb/s`],
    ['city: egress to school relays', `${oneDecimal(plan.city.egressToSchoolsGbps)} Gb/s`],
    ['city: egress, all cities', `${oneDecimal(plan.city.egressGbps)} Gb/s`],
    ['city: requests per second, all cities', whole(plan.city.requestsPerSecond)],
    ['city: relay processes per city', whole(plan.city.processesPerCity)],
    ['city: relay processes, all cities', whole(plan.city.processes)],
    [`city: relay machines per city (${inputs.relayNodeCores} cores, ${inputs.relayNicGbps} Gb/s NIC)`, whole(plan.city.machinesPerCity)],
    ['city: relay machines, all cities', whole(plan.city.machines)],
    [`school: relays (${whole(plan.school.studentsPerRelay)} students each)`, whole(plan.school.relays)],
    [`school: uplink per school (${inputs.lessonsPerSchool} lessons)`, `${whole(plan.school.uplinkMbps)} Mb/s`],
    ['P2P: bytes viewers send each other', `${oneDecimal(plan.p2p.bytesFromPeersGbps)} Gb/s`],
  ];
  return textTable(['what', 'needed'], rows);
}

/** The plan again for other values of one input: how sensitive the answer is to it. */
export function sensitivityTable(inputs: CapacityInputs, figures: MeasuredFigures, input: 'p2pShare' | 'schoolShare', values: readonly number[]): string {
  const rows = values.map((value) => {
    const plan = planCapacity({ ...inputs, [input]: value }, figures);
    return [
      percent(value),
      `${oneDecimal(plan.city.egressToHomesGbps)} Gb/s`,
      `${oneDecimal(plan.city.egressGbps)} Gb/s`,
      whole(plan.city.processes),
      whole(plan.city.machines),
    ];
  });
  const title = input === 'p2pShare' ? 'P2P share' : 'behind school relays';
  return textTable([title, 'city egress to homes', 'city egress', 'relay processes', 'relay machines'], rows);
}

export function figuresList(figures: MeasuredFigures): string {
  const lines = Object.entries(figures).flatMap(([name, figure]) =>
    'source' in figure ? [`- ${name}: ${Number(figure.value.toFixed(3))} ${figure.unit}. ${figure.source}`] : [],
  );
  const ladder = figures.ladder.map((rung) => `${rung.name} ${rung.videoKbps}+${rung.audioKbps}`).join(', ');
  return [...lines, `- ladder (services/transcode/ladder.ts, default config): ${ladder} kb/s`].join('\n');
}

/** Replay storage per day and over the retention period, with and without the storage policy. */
export function storageTable(inputs: StorageInputs, plan: StoragePlan): string {
  const rows = [
    ['replay per lesson-hour, whole ladder', `${oneDecimal(plan.lessonHourGb)} GB`],
    [`replay per lesson-hour, policy's renditions (${plan.keptRenditions.join(' + ')})`, `${oneDecimal(plan.keptLessonHourGb)} GB`],
    [`added per day (${whole(inputs.lessons)} lessons x ${inputs.hoursPerDay} h)`, `${oneDecimal(plan.perDayTb)} TB`],
    [`held over ${inputs.retentionDays} days, every rendition kept`, `${oneDecimal(plan.retainedTb)} TB`],
    [`held over ${inputs.retentionDays} days, ${describeStretches(plan.stretches, inputs.ladder.length)}`, `${oneDecimal(plan.retainedWithPolicyTb)} TB`],
    ['saved by the policy', percent(1 - plan.retainedWithPolicyTb / plan.retainedTb)],
  ];
  return textTable(['replay storage', 'size'], rows);
}
