// The per-node figures the capacity model (capacity-model.ts) scales up, each with where it was
// measured, so docs/capacity.md, the script and the tests read one set of numbers. Update a figure
// here when its benchmark in docs/benchmarks.md is re-run; the ladder follows the code itself.
import { configSchema } from '../../services/core/config/schema.ts';
import { chooseLadder } from '../../services/transcode/ladder.ts';

/** A measured number and where it comes from (a docs/benchmarks.md section and its command). */
export type Figure = { value: number; unit: string; source: string };

/** The default ladder for a 720p30 classroom source, as ingest chooses it (services/transcode/ladder.ts). */
export type LadderRung = { name: string; videoKbps: number; audioKbps: number };

export type MeasuredFigures = {
  /** Lessons one core transcodes in real time at the default ladder. */
  transcodeLessonsPerCore: Figure;
  /** CPU one live lesson used (node + ffmpeg), for the cross-check in docs/capacity.md. */
  transcodeCoresPerLesson: Figure;
  /** One lesson transcoded flat out on the 2-core machine: media seconds per wall-clock second. */
  transcodeRealtimeFactor: Figure;
  /** Viewers one relay process held (the most the benchmark tried; its limit was not reached). */
  relayViewersPerProcess: Figure;
  /** How often each of those simulated viewers asked for the live playlist. */
  viewerPlaylistRequestsPerSecond: Figure;
  /** The segment duration of that benchmark's rendition (each viewer fetched every segment). */
  viewerBenchSegmentSeconds: Figure;
  /** Bytes one relay process sends when the cost per request is small (500 KB hot segments). */
  relayHotPathGbpsPerProcess: Figure;
  /** Share of the viewers' media bytes that came from other viewers. */
  p2pShare: Figure;
  ladder: LadderRung[];
};

const defaults = configSchema.parse({});

/** The ladder a 1280x720 30 fps source gets with the default configuration (maxRenditions, audio). */
export function defaultLadder(): LadderRung[] {
  return chooseLadder({ width: 1280, height: 720, fps: 30 }, defaults.transcode.maxRenditions).map((rendition) => ({
    name: rendition.name,
    videoKbps: rendition.videoKbps,
    audioKbps: defaults.transcode.audioBitrateKbps,
  }));
}

export const measuredFigures: MeasuredFigures = {
  transcodeLessonsPerCore: {
    value: 6 / 2,
    unit: 'lessons per core',
    source:
      'docs/benchmarks.md "Transcode", "On a quiet machine": 6 lessons of 720p30 with the full ladder per 2-core node keep up with none shed (the source copied as the top rendition, the lower rungs decoded once in one ffmpeg), 7 at the edge (node --import tsx scripts/bench/transcode.ts --overhead no --lessons 5,6,7 --rung-processes one,each)',
  },
  transcodeCoresPerLesson: {
    value: 1.683 / 6,
    unit: 'cores per lesson',
    source: 'docs/benchmarks.md "Transcode", "On a quiet machine": 6 lessons used 168.3 % CPU (node + ffmpeg) on the 2-core machine (scripts/bench/transcode.ts)',
  },
  transcodeRealtimeFactor: {
    value: 2.97,
    unit: 'x real time',
    source: 'docs/benchmarks.md "Transcode", last run of 2026-12-07: the bare full-ladder re-encode flat out, 2.97x (3.48x and 3.92x in the two runs before) (scripts/bench/transcode.ts)',
  },


  relayViewersPerProcess: {
    value: 3200,
    unit: 'viewers per relay process',
    source:
      'docs/benchmarks.md "Viewers per relay": 3,200 viewers of a 1.5 Mb/s rendition held at 96 % of one core, the last step tried (node --import tsx scripts/bench/viewers.ts)',
  },
  viewerPlaylistRequestsPerSecond: {
    value: 1,
    unit: 'playlist requests per viewer per second',
    source: 'docs/benchmarks.md "Viewers per relay": each simulated viewer polls the playlist every second (scripts/bench/viewers.ts)',
  },
  viewerBenchSegmentSeconds: {
    value: 2,
    unit: 's',
    source: 'docs/benchmarks.md "Viewers per relay": a 1.5 Mb/s rendition with 2 s segments, each viewer fetching every new segment (scripts/bench/viewers.ts)',
  },
  relayHotPathGbpsPerProcess: {
    value: (29.9 + 24.9) / 2,
    unit: 'Gb/s per relay process',
    source:
      'docs/benchmarks.md "Relay throughput", after the hot path: 29.9 and 24.9 Gb/s in two rounds on loopback at 99 % of one core (node --import tsx scripts/bench/relay-throughput.ts --seconds 10 --rounds 2)',
  },
  p2pShare: {
    value: 0.817,
    unit: 'share of viewer bytes from peers',
    source:
      'docs/benchmarks.md "P2P swarm", final setting: 8 Chromium viewers of one 360p lesson through one relay got 81.7 % of their bytes from each other by the relay\'s own count, a lower bound (85.4 % by the players\'; 4 viewers got 72.2 %) (node --import tsx scripts/bench/p2p-swarm.ts --viewers 8 --seconds 90 --settle 20 --delivery p2p). The ceiling is 1 - seeders/n with one seeder per 10 viewers (75 % at 4, 87.5 % at 8, never above 90 %), a swarm is one rendition of one lesson on one relay process, and only 360p was measured: smaller swarms get less (docs/capacity.md, "What would change the answer")',
  },
  ladder: defaultLadder(),
};
