// Mouth-to-ear latency of a raised-hand call on loopback: the real student page and console
// (player/src/hands/) in headless Chromium, with each page's microphone replaced by a WebAudio tone
// generator that sounds a 200 ms, 1 kHz burst every second. Each page listens with an AnalyserNode
// to what it sends (before the encoder: the "mouth") and to what it receives from the call (after
// the jitter buffer and decoder: the "ear"), on the machine's one clock (performance.timeOrigin +
// now()); latency = ear onset - mouth onset, both detected the same way so the detector's own delay
// cancels. A second figure comes from RTCStats: the receiver's mean jitter buffer delay plus half
// the round trip. Neither includes the sound card on either end (no device here).
//   npm run bench:hand-latency -- [--seconds 30]
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startHandsLesson } from '../../test/helpers/hands-lesson.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { progress } from './bench-clock.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { percentile } from './percentile.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' } } });
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds < 5 || seconds > 600) throw new Error('--seconds is 5 to 600');

/**
 * Put in each page before its scripts: getUserMedia answers the tone generator's stream, and
 * window.toneBench tells onsets heard at the mouth (what this page sends) and at the ear (the call's
 * incoming track, once listen() is called), as epoch milliseconds. Plain JavaScript in a string:
 * tsx's compiled functions name helpers the page does not have.
 */
const toneInitScript = `(() => {
  const onsets = { mouth: [], ear: [] };
  const now = () => performance.timeOrigin + performance.now();
  let context;
  const watch = (analyser, into) => {
    const samples = new Float32Array(analyser.fftSize);
    let quietSince = now();
    let sounding = false;
    setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const loud = Math.sqrt(sum / samples.length) > 0.05;
      const at = now();
      if (loud && !sounding && at - quietSince > 300) into.push(at);
      if (!loud && sounding) quietSince = at;
      sounding = loud;
    }, 2);
  };
  const analyserOf = (source) => {
    const analyser = context.createAnalyser();
    analyser.fftSize = 128;
    source.connect(analyser);
    return analyser;
  };
  navigator.mediaDevices.getUserMedia = async () => {
    context ??= new AudioContext({ latencyHint: 'interactive' });
    await context.resume();
    const tone = context.createOscillator();
    tone.frequency.value = 1000;
    const gate = context.createGain();
    gate.gain.value = 0;
    const out = context.createMediaStreamDestination();
    tone.connect(gate).connect(out);
    watch(analyserOf(gate), onsets.mouth);
    tone.start();
    // A burst each second, scheduled on the audio clock a little ahead.
    let next = context.currentTime + 0.5;
    setInterval(() => {
      while (next < context.currentTime + 1.5) {
        gate.gain.setValueAtTime(0.5, next);
        gate.gain.setValueAtTime(0, next + 0.2);
        next += 1;
      }
    }, 250);
    return out.stream;
  };
  window.toneBench = {
    onsets,
    listen(track) {
      context ??= new AudioContext({ latencyHint: 'interactive' });
      watch(analyserOf(context.createMediaStreamSource(new MediaStream([track]))), onsets.ear);
    },
  };
})();`;

type Onsets = { mouth: number[]; ear: number[] };

const onsetsOf = (page: Page) => page.evaluate(() => (window as unknown as { toneBench: { onsets: Onsets } }).toneBench.onsets);

/** Each ear onset against the latest mouth onset on the other page before it, within a second. */
function pairs(mouth: number[], ear: number[]): number[] {
  const latencies: number[] = [];
  for (const heard of ear) {
    const said = mouth.filter((at) => at <= heard && heard - at < 1000).at(-1);
    if (said !== undefined) latencies.push(heard - said);
  }
  return latencies;
}

/** The incoming audio's mean jitter buffer delay and half the round trip, in ms, from the receiving end's getStats(). */
function statsDelay(page: Page, studentId?: number): Promise<{ jitterBufferMs: number; halfRttMs: number }> {
  return page.evaluate(async (id) => {
    const hooks = window.classcastHands!;
    const connection = id === undefined ? hooks.student!.call()! : hooks.console!.call(id)!;
    let jitterBufferMs = Number.NaN;
    let halfRttMs = Number.NaN;
    (await connection.getStats()).forEach((report: { type: string; kind?: string; jitterBufferDelay?: number; jitterBufferEmittedCount?: number; currentRoundTripTime?: number; state?: string; nominated?: boolean }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio' && report.jitterBufferEmittedCount) jitterBufferMs = (report.jitterBufferDelay! / report.jitterBufferEmittedCount) * 1000;
      if (report.type === 'candidate-pair' && report.nominated && report.currentRoundTripTime !== undefined) halfRttMs = (report.currentRoundTripTime * 1000) / 2;
    });
    return { jitterBufferMs, halfRttMs };
  }, studentId);
}

await runBench('hand-call-latency', ['chromium'], async (cleanup) => {
  const machine = describeMachine();
  console.log(machineAtStart('Raised-hand call mouth-to-ear latency on loopback', machine));
  const lesson = await startHandsLesson({});
  cleanup.add(() => lesson.close());
  const open = async (as: 'console' | 'student') => {
    const context = await lesson.context(as === 'console' ? lesson.teacher : lesson.students[0]);
    await context.addInitScript({ content: toneInitScript });
    const page = await context.newPage();
    await page.goto(`${lesson.base}/hands/${lesson.lessonId}${as === 'console' ? '/console' : ''}`);
    return page;
  };
  const console_ = await open('console');
  const student = await open('student');
  const studentId = lesson.students[0].id;
  await waitFor('the console', async () => (await console_.locator('.hands-panel').getAttribute('data-phase')) === 'ready');
  await waitFor('the button', async () => (await student.locator('.raise-hand').getAttribute('data-phase')) === 'down');
  await student.locator('.raise-hand-button').click();
  await waitFor('the hand in the queue', async () => (await console_.locator('.hands-row').count()) === 1);
  await console_.locator('.hands-row .button-primary').click();
  await waitFor('the call', async () => (await student.locator('.raise-hand').getAttribute('data-phase')) === 'in-call', 30_000);
  await student.evaluate(() => (window as unknown as { toneBench: { listen(track: MediaStreamTrack): void } }).toneBench.listen(window.classcastHands!.student!.call()!.getReceivers()[0]!.track));
  await console_.evaluate((id) => (window as unknown as { toneBench: { listen(track: MediaStreamTrack): void } }).toneBench.listen(window.classcastHands!.console!.call(id)!.getReceivers()[0]!.track), studentId);
  progress(`call up; listening for ${seconds} s`);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const [fromStudent, fromConsole] = [await onsetsOf(student), await onsetsOf(console_)];
  const directions = [
    { name: 'student -> console (the voice played out loud)', latencies: pairs(fromStudent.mouth, fromConsole.ear), stats: await statsDelay(console_, studentId) },
    { name: 'console -> student', latencies: pairs(fromConsole.mouth, fromStudent.ear), stats: await statsDelay(student) },
  ];
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-');
  console.log(
    textTable(
      ['direction', 'bursts', 'p50 ms', 'p95 ms', 'min ms', 'max ms', 'jitter buffer ms', 'RTT/2 ms'],
      directions.map(({ name, latencies, stats }) => [name, String(latencies.length), ms(percentile(latencies, 50)), ms(percentile(latencies, 95)), ms(Math.min(...latencies)), ms(Math.max(...latencies)), ms(stats.jitterBufferMs), stats.halfRttMs.toFixed(1)]),
    ),
  );
  console.log(
    figuresJson(
      {
        seconds,
        directions: directions.map(({ name, latencies, stats }) => ({ name, bursts: latencies.length, p50: percentile(latencies, 50), p95: percentile(latencies, 95), ...stats })),
        machine,
        loadAverageEnd: (await import('node:os')).loadavg()[0],
      },
      1,
    ),
  );
  console.log(loadAverageAtEnd());
  if (directions.some(({ latencies }) => latencies.length < seconds / 2)) throw new Error('fewer bursts arrived than were sent: the call lost audio');
});
