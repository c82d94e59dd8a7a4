// The capacity model: from a province's peak (live classrooms, concurrent students) and the
// per-node figures measured on this project's benchmarks (measured-figures.ts), how many ingest
// cores and nodes, city relay processes and machines, and how much bandwidth each tier needs.
// Pure arithmetic, so the tests can check it and docs/capacity.md can explain every line of it.
import type { LadderRung, MeasuredFigures } from './measured-figures.ts';

export type CapacityInputs = {
  /** Classrooms live at the peak: each is one lesson transcoded by ingest. */
  classrooms: number;
  /** Students watching at the peak. */
  students: number;
  cities: number;
  /** Share of a home viewer's media bytes that come from other viewers (0-1). */
  p2pShare: number;
  /** Share of students who watch behind a school relay (0-1); the others watch from home through their city relay. */
  schoolShare: number;
  /** Students behind one school relay at the peak. */
  studentsPerSchool: number;
  /** Different lessons one school relay carries at once (each with its whole ladder). */
  lessonsPerSchool: number;
  /** Share of home viewers on each rendition, by rendition name; the shares add up to 1. */
  renditionMix: Record<string, number>;
  /** Spare capacity over the peak load when counting cores, processes and NICs (0.25 = 25 %). */
  headroom: number;
  /** Bytes on the wire over the media bitrate: fMP4 boxes, playlists, HTTP, TCP/IP (0.05 = 5 %). */
  wireOverhead: number;
  /** Segment duration (normal latency mode: 2 s). */
  segmentSeconds: number;
  /** Cores of one ingest machine. */
  ingestNodeCores: number;
  /** Cores of one city relay machine: one relay process per core. */
  relayNodeCores: number;
  /** NIC of one city relay machine. */
  relayNicGbps: number;
  /** What each classroom encoder pushes to ingest. */
  encoderKbps: number;
  /**
   * How a city's viewers are spread over its relay processes. `lesson`: all viewers of a lesson in
   * a city go to the same process (or through one city parent relay), so a city pulls each lesson
   * once. `any`: viewers land on any process, and every process pulls every lesson (the bound).
   */
  routing: 'lesson' | 'any';
};

/** Relay capacity the benchmarks imply per process, in the terms the model counts. */
export type RelayProcessCapacity = { requestsPerSecond: number; egressGbps: number };

export type CapacityPlan = {
  ladderKbps: number;
  meanViewerKbps: number;
  ingest: { liveLessons: number; cores: number; nodes: number; lessonsPerNode: number; encoderInGbps: number; replayGbPerLessonHour: number };
  province: { egressToCitiesGbps: number; egressPerCityGbps: number };
  city: {
    homeViewers: number;
    schoolRelays: number;
    egressToHomesGbps: number;
    egressToSchoolsGbps: number;
    egressGbps: number;
    requestsPerSecond: number;
    processesPerCity: number;
    processes: number;
    machinesPerCity: number;
    machines: number;
  };
  school: { relays: number; uplinkMbps: number; studentsPerRelay: number };
  p2p: { bytesFromPeersGbps: number };
};

/** The ladder's total bitrate (every rendition, video and audio) and a viewer's mean by the mix. */
export function ladderBitrates(ladder: readonly LadderRung[], mix: Record<string, number>): { ladderKbps: number; meanViewerKbps: number } {
  const names = new Set(ladder.map((rung) => rung.name));
  for (const name of Object.keys(mix)) if (!names.has(name)) throw new Error(`rendition mix: '${name}' is not in the ladder (${[...names].join(', ')})`);
  const total = Object.values(mix).reduce((sum, share) => sum + share, 0);
  if (Math.abs(total - 1) > 1e-6) throw new Error(`rendition mix: shares add up to ${total}, not 1`);
  const kbps = (rung: LadderRung) => rung.videoKbps + rung.audioKbps;
  return {
    ladderKbps: ladder.reduce((sum, rung) => sum + kbps(rung), 0),
    meanViewerKbps: ladder.reduce((sum, rung) => sum + kbps(rung) * (mix[rung.name] ?? 0), 0),
  };
}

/**
 * A relay process's capacity from the benchmarks. The viewers benchmark's simulated viewers each
 * asked for the playlist once a second and for each new 2 s segment, so the process held
 * viewers x (1 + 1/2) requests a second; its byte ceiling is the hot-path throughput benchmark's.
 */
export function relayProcessCapacity(figures: MeasuredFigures): RelayProcessCapacity {
  return {
    requestsPerSecond: figures.relayViewersPerProcess.value * (figures.viewerPlaylistRequestsPerSecond.value + 1 / figures.viewerBenchSegmentSeconds.value),
    egressGbps: figures.relayHotPathGbpsPerProcess.value,
  };
}

export function planCapacity(inputs: CapacityInputs, figures: MeasuredFigures): CapacityPlan {
  checkInputs(inputs);
  const { ladderKbps, meanViewerKbps } = ladderBitrates(figures.ladder, inputs.renditionMix);
  const wire = 1 + inputs.wireOverhead;
  const spare = 1 + inputs.headroom;
  const gbps = (kbps: number) => kbps / 1e6;

  // Ingest: one transcode per live classroom.
  const liveLessons = Math.ceil(inputs.classrooms);
  const cores = Math.ceil((liveLessons / figures.transcodeLessonsPerCore.value) * spare);
  const lessonsPerNode = Math.floor((inputs.ingestNodeCores * figures.transcodeLessonsPerCore.value) / spare);
  if (lessonsPerNode < 1) throw new Error(`an ingest node of ${inputs.ingestNodeCores} cores holds no lesson with ${inputs.headroom * 100} % headroom`);
  const ingestNodes = Math.ceil(liveLessons / lessonsPerNode);

  // Viewers: at home through the city relay (with P2P), or at school through a school relay.
  const schoolStudents = inputs.students * inputs.schoolShare;
  const homeViewers = inputs.students - schoolStudents;
  const schoolRelays = Math.ceil(schoolStudents / inputs.studentsPerSchool);
  const schoolUplinkKbps = inputs.lessonsPerSchool * ladderKbps * wire;

  const egressToHomesKbps = homeViewers * meanViewerKbps * wire * (1 - inputs.p2pShare);
  const egressToSchoolsKbps = schoolRelays * schoolUplinkKbps;
  const cityEgressKbps = egressToHomesKbps + egressToSchoolsKbps;

  // Requests: a home viewer asks for the playlist every second and for the segments peers did not
  // bring; a school relay follows each rendition of each of its lessons the same way.
  const segmentsPerSecond = 1 / inputs.segmentSeconds;
  const playlistPerSecond = figures.viewerPlaylistRequestsPerSecond.value;
  const homeRequests = homeViewers * (playlistPerSecond + segmentsPerSecond * (1 - inputs.p2pShare));
  const schoolRequests = schoolRelays * inputs.lessonsPerSchool * figures.ladder.length * (playlistPerSecond + segmentsPerSecond);
  const requestsPerSecond = homeRequests + schoolRequests;

  const capacity = relayProcessCapacity(figures);
  const perCity = (value: number) => value / inputs.cities;
  const processesPerCity = Math.ceil(
    Math.max((perCity(requestsPerSecond) * spare) / capacity.requestsPerSecond, (gbps(perCity(cityEgressKbps)) * spare) / capacity.egressGbps),
  );
  const machinesPerCity = Math.ceil(Math.max(processesPerCity / inputs.relayNodeCores, (gbps(perCity(cityEgressKbps)) * spare) / inputs.relayNicGbps));

  // Province to cities: each city pulls every live lesson's whole ladder once (lesson routing), or
  // once per relay process (any routing).
  const pullsPerCity = inputs.routing === 'lesson' ? 1 : processesPerCity;
  const egressPerCityKbps = liveLessons * ladderKbps * wire * pullsPerCity;

  return {
    ladderKbps,
    meanViewerKbps,
    ingest: {
      liveLessons,
      cores,
      nodes: ingestNodes,
      lessonsPerNode,
      encoderInGbps: gbps(liveLessons * inputs.encoderKbps * wire),
      // Every rendition is kept for replay: bitrate x 3600 s, in gigabytes.
      replayGbPerLessonHour: (ladderKbps * 1000 * 3600) / 8 / 1e9,
    },
    province: { egressToCitiesGbps: gbps(egressPerCityKbps * inputs.cities), egressPerCityGbps: gbps(egressPerCityKbps) },
    city: {
      homeViewers,
      schoolRelays,
      egressToHomesGbps: gbps(egressToHomesKbps),
      egressToSchoolsGbps: gbps(egressToSchoolsKbps),
      egressGbps: gbps(cityEgressKbps),
      requestsPerSecond,
      processesPerCity,
      processes: processesPerCity * inputs.cities,
      machinesPerCity,
      machines: machinesPerCity * inputs.cities,
    },
    school: { relays: schoolRelays, uplinkMbps: schoolUplinkKbps / 1000, studentsPerRelay: inputs.studentsPerSchool },
    p2p: { bytesFromPeersGbps: gbps(homeViewers * meanViewerKbps * wire * inputs.p2pShare) },
  };
}

function checkInputs(inputs: CapacityInputs): void {
  const share = (name: keyof CapacityInputs, value: number) => {
    if (!(value >= 0 && value <= 1)) throw new Error(`${name}: expected a share from 0 to 1, got ${value}`);
  };
  const positive = (name: keyof CapacityInputs, value: number) => {
    if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name}: expected a number above 0, got ${value}`);
  };
  share('p2pShare', inputs.p2pShare);
  share('schoolShare', inputs.schoolShare);
  for (const name of ['classrooms', 'students', 'cities', 'studentsPerSchool', 'lessonsPerSchool', 'segmentSeconds', 'ingestNodeCores', 'relayNodeCores', 'relayNicGbps', 'encoderKbps'] as const) {
    positive(name, inputs[name]);
  }
  if (!(inputs.headroom >= 0) || !(inputs.wireOverhead >= 0)) throw new Error('headroom and wireOverhead: expected 0 or more');
}
