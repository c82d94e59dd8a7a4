// The whole-lesson (time-shift) playlist reloaded by viewers through a relay, whole against as a
// Playlist Delta Update (`?_HLS_skip=YES`, services/media-http/delta-playlist.ts), in one run: a
// 45-minute lesson's playlist (1,350 segments of 2 s) on an origin, a relay process in front of
// it, and wrk asking the relay for one form or the other in turns, round after round, so other
// work on the machine falls on both alike. The relay refetches the live playlist from the origin
// as its cache lifetime passes, as it does in a lesson. First, the sizes at other lesson lengths.
//   node --import tsx scripts/bench/delta-playlist.ts [--seconds 8] [--rounds 3] [--connections 100] [--minutes 45]
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { startHttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { deltaUpdate } from '../../services/media-http/delta-playlist.ts';
import { createPlaybackGuard } from '../../services/media-http/playback-guard.ts';
import { liveRoutes } from '../../services/origin/live-routes.ts';
import { writeMediaPlaylist, type PackagedSegment } from '../../services/packager/media-playlist.ts';
import { elapsedSeconds, progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { percentile } from './percentile.ts';
import { cpuBetween, sampleCpu } from './process-cpu.ts';
import { startRelayProcess } from './relay-process.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { createWorkDir } from './work-dir.ts';
import { runWrk, wrkLua } from './wrk.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
    minutes: { type: 'string', default: '45' },
  },
});
const run = {
  seconds: boundedInteger(values.seconds!, 1, 40, '--seconds'),
  warmupSeconds: 2,
  rounds: boundedInteger(values.rounds!, 1, 10, '--rounds'),
  connections: boundedInteger(values.connections!, 1, 1000, '--connections'),
  threads: boundedInteger(values.threads!, 1, 8, '--threads'),
  minutes: boundedInteger(values.minutes!, 1, 600, '--minutes'),
};
const lesson = 'bench-lesson';
const playlistPath = `/live/${lesson}/720p/timeshift.m3u8`;
const forms = [
  { form: 'whole', path: playlistPath },
  { form: 'delta', path: `${playlistPath}?_HLS_skip=YES` },
] as const;

setLogLevel('warn');
await runBench('delta playlist benchmark', ['wrk'], main);

/** A live time-shift playlist of `minutes` of 2 s segments, as the packager writes it. */
function timeShiftOf(minutes: number): string {
  const start = Date.UTC(2026, 11, 7, 1, 0, 0);
  const segments: PackagedSegment[] = Array.from({ length: minutes * 30 }, (_, index) => ({
    sequence: index,
    uri: `r1-${index}.m4s`,
    duration: 2,
    programDateTime: start + index * 2000,
    initUri: 'init-r1-720p.mp4',
    discontinuity: false,
  }));
  return writeMediaPlaylist(segments, { windowSize: 'all', segmentSeconds: 2, ended: false, playlistType: 'event', deltaUpdates: true });
}

async function main(cleanup: Cleanup): Promise<void> {
  const machine = describeMachine();
  console.log(machineAtStart('Delta playlist', machine));
  const sizes = [10, 45, 90].map((minutes) => {
    const whole = timeShiftOf(minutes);
    const delta = deltaUpdate(whole)!;
    return { minutes, wholeBytes: whole.length, deltaBytes: delta.length, wholeGzipBytes: gzipSync(whole).length, deltaGzipBytes: gzipSync(delta).length };
  });
  console.log('\nOne reload of a 720p time-shift playlist, by lesson length (bytes; gzip level 6 beside, for a CDN that compresses):');
  console.log(
    textTable(
      ['lesson', 'whole', 'delta', 'delta / whole', 'whole gzip', 'delta gzip'],
      sizes.map((s) => [`${s.minutes} min`, String(s.wholeBytes), String(s.deltaBytes), `${((100 * s.deltaBytes) / s.wholeBytes).toFixed(1)} %`, String(s.wholeGzipBytes), String(s.deltaGzipBytes)]),
    ),
  );

  const workDir = await createWorkDir('delta-playlist', cleanup);
  const liveDir = join(workDir, 'live');
  await mkdir(join(liveDir, lesson, '720p'), { recursive: true });
  await writeFile(join(liveDir, lesson, '720p', 'timeshift.m3u8'), timeShiftOf(run.minutes));
  const guard = createPlaybackGuard({ secrets: [randomBytes(32).toString('base64url')], tokenTtlSeconds: 3600 });
  // A live lesson: the playlist's cache lifetime is the packager's short one, so the relay refetches it.
  const origin = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    routers: [liveRoutes(liveDir, (id) => (id === lesson ? { segmentSeconds: 2, ended: false } : undefined), guard)],
    log: createLogger({ role: 'bench-origin' }),
    health: () => ({}),
  });
  cleanup.add(() => origin.close());
  progress('starting the relay');
  const relay = await startRelayProcess(`http://127.0.0.1:${origin.port}`, join(workDir, 'relay-data'), cleanup);
  for (const { form, path } of forms) {
    const response = await fetch(relay.baseUrl + path);
    const text = await response.text();
    if (response.status !== 200 || (form === 'delta') !== text.includes('#EXT-X-SKIP:')) throw new Error(`${form}: HTTP ${response.status}, ${text.length} bytes, not the ${form} playlist`);
  }
  console.log(`\n${run.minutes} min lesson through the relay: wrk -t ${run.threads} -c ${run.connections} -d ${run.seconds}s (after ${run.warmupSeconds} s of warm-up), keep-alive, loopback; forms take turns.`);
  const results: Array<{ round: number; form: string; requestsPerSecond: number; bytesPerResponse: number; megabitsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; relayCpuPercent: number; cpuUsPerRequest: number }> = [];
  for (let round = 1; round <= run.rounds; round++) {
    for (const { form, path } of round % 2 === 1 ? forms : [...forms].reverse()) {
      progress(`round ${round}/${run.rounds}: ${form}`);
      const script = join(workDir, `${form}.lua`);
      await writeFile(script, wrkLua([path]));
      await runWrk(relay.baseUrl, script, { ...run, seconds: run.warmupSeconds }, cleanup);
      const cpuStart = sampleCpu([relay.pid]);
      const summary = await runWrk(relay.baseUrl, script, run, cleanup);
      const cpu = cpuBetween(cpuStart, sampleCpu([relay.pid]));
      const seconds = summary.durationUs / 1e6;
      results.push({
        round,
        form,
        requestsPerSecond: summary.requests / seconds,
        bytesPerResponse: summary.bytes / Math.max(1, summary.requests),
        megabitsPerSecond: (summary.bytes * 8) / seconds / 1e6,
        p50Ms: summary.p50Us / 1000,
        p99Ms: summary.p99Us / 1000,
        errors: summary.errors,
        relayCpuPercent: cpu.pidsPercent,
        cpuUsPerRequest: ((cpu.pidsPercent / 100) * cpu.wallSeconds * 1e6) / Math.max(1, summary.requests),
      });
    }
  }
  console.log(
    textTable(
      ['round', 'form', 'req/s', 'bytes/resp', 'Mb/s out', 'p50 ms', 'p99 ms', 'errors', 'relay CPU', 'CPU µs/req'],
      results.map((r) => [String(r.round), r.form, r.requestsPerSecond.toFixed(0), r.bytesPerResponse.toFixed(0), r.megabitsPerSecond.toFixed(0), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), String(r.errors), `${r.relayCpuPercent.toFixed(0)} %`, r.cpuUsPerRequest.toFixed(0)]),
    ),
  );
  const ratio = (field: 'requestsPerSecond' | 'cpuUsPerRequest' | 'bytesPerResponse') => {
    const perRound = Array.from({ length: run.rounds }, (_, index) => {
      const of = (form: string) => results.find((r) => r.round === index + 1 && r.form === form)![field];
      return of('delta') / of('whole');
    });
    return percentile(perRound, 50);
  };
  const ratios = { requestsPerSecond: ratio('requestsPerSecond'), cpuUsPerRequest: ratio('cpuUsPerRequest'), bytesPerResponse: ratio('bytesPerResponse') };
  console.log(
    `\nDelta / whole, median of the rounds: ${ratios.requestsPerSecond.toFixed(2)}x requests/s, ${ratios.cpuUsPerRequest.toFixed(2)}x relay CPU per request, ${ratios.bytesPerResponse.toFixed(3)}x bytes per response.`,
  );
  console.log(`\n${loadAverageAtEnd()} Total ${elapsedSeconds().toFixed(0)} s.`);
  console.log(figuresJson({ bench: 'delta-playlist', machine, run, sizes, results, ratios, totalSeconds: elapsedSeconds() }, 3));
}
