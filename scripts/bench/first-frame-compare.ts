// The first-frame benchmark side by side with a peer: this checkout and another (older code, or
// another branch, with scripts/bench/first-frame.ts copied in) run `bench:first-frame` in turn,
// alternating round by round, so both meet the same machine; the load average before and after
// each run is written beside its figures.
//   npm run bench:first-frame-compare -- --peer ../wt-old [--rounds 2] [--opens 12] [--mode normal]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { progress } from './bench-clock.ts';

const { values } = parseArgs({ options: { peer: { type: 'string' }, rounds: { type: 'string', default: '2' }, opens: { type: 'string', default: '12' }, mode: { type: 'string', default: 'normal' } } });
if (!values.peer) throw new Error('--peer DIR: a checkout of the code to compare with, with scripts/bench/first-frame.ts in it');
const peer = resolve(values.peer);
const script = 'scripts/bench/first-frame.ts';
if (!existsSync(resolve(peer, script))) throw new Error(`${peer} has no ${script}: copy this checkout's into it`);
const here = fileURLToPath(new URL('../../', import.meta.url));
const rounds = Math.max(1, Number(values.rounds));

type Figures = { firstFrame: { p50: number; p95: number }; times: Array<{ bundle: number | null; masterStart: number | null; media: number | null; segment: number | null; firstFrame: number; masterRequests: number }> };

/** One `bench:first-frame` run in `dir`: its JSON figures (the last line it prints). */
function runIn(dir: string): Promise<Figures> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--opens', values.opens!, '--mode', values.mode!], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) return fail(new Error(`${script} in ${dir} exited with ${code}:\n${out}`));
      done(JSON.parse(last) as Figures);
    });
  });
}

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const ms = (list: Array<number | null>) => `${(median(list.filter((value): value is number => value !== null)) / 1000).toFixed(2)} s`;

console.log(`First frame, this checkout (${here}) against ${peer}: ${rounds} rounds of ${values.opens} opens each, alternating\n`);
console.log('| run | load avg start → end | bundle | master asked | media playlist | first segment | segment → frame | master requests per open | first frame median | p95 |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (let round = 1; round <= rounds; round++) {
  for (const [name, dir] of [['this checkout', here], ['peer', peer]] as const) {
    progress(`round ${round}: ${name}`);
    const start = loadavg()[0]!;
    const figures = await runIn(dir);
    const end = loadavg()[0]!;
    const masters = figures.times.map((open) => open.masterRequests);
    console.log(
      `| ${name} | ${start.toFixed(1)} → ${end.toFixed(1)} | ${ms(figures.times.map((open) => open.bundle))} | ${ms(figures.times.map((open) => open.masterStart))} | ${ms(figures.times.map((open) => open.media))} | ${ms(figures.times.map((open) => open.segment))} | ${ms(figures.times.map((open) => (open.segment === null ? null : open.firstFrame - open.segment)))} | ${Math.max(...masters)} | **${figures.firstFrame.p50.toFixed(2)} s** | ${figures.firstFrame.p95.toFixed(2)} s |`,
    );
  }
}
