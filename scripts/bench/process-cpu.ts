// CPU time of processes, read from Linux's /proc: this node process, the children it spawned, and
// the children it has already reaped. Used by the benchmarks to compare processes over one window.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times (`getconf CLK_TCK`). */
export const clockTicksPerSecond = readClockTicks();

type ProcStat = { command: string; parentPid: number; cpuSeconds: number; reapedChildrenCpuSeconds: number };

/** One process's /proc/<pid>/stat, or undefined when it has exited. */
export function readProcStat(pid: number | 'self'): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (command) state ppid ...": the command may hold spaces and parentheses, so split after its last ')'.
  const close = text.lastIndexOf(')');
  const command = text.slice(text.indexOf('(') + 1, close);
  // Fields from the state on (field 3 of proc(5)); utime, stime, cutime, cstime are fields 14-17.
  const fields = text.slice(close + 2).split(' ').map(Number);
  const ticks = (first: number) => (fields[first - 3]! + fields[first - 2]!) / clockTicksPerSecond;
  return { command, parentPid: fields[1]!, cpuSeconds: ticks(14), reapedChildrenCpuSeconds: ticks(16) };
}

/** Pids of the running children of `parentPid` whose command name is `command`. */
export function childProcesses(parentPid: number, command: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.parentPid === parentPid && stat.command === command) pids.push(Number(entry));
  }
  return pids;
}

/** CPU seconds this node process has used (all its threads), from process.cpuUsage(). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** CPU seconds used by children this process has waited for (they are counted once they exit). */
export function reapedChildrenCpuSeconds(): number {
  return readProcStat('self')!.reapedChildrenCpuSeconds;
}

export type CpuSample = { atMs: number; ownSeconds: number; pidSeconds: Map<number, number> };

export function sampleCpu(pids: readonly number[]): CpuSample {
  const pidSeconds = new Map<number, number>();
  for (const pid of pids) {
    const stat = readProcStat(pid);
    if (stat) pidSeconds.set(pid, stat.cpuSeconds);
  }
  return { atMs: performance.now(), ownSeconds: ownCpuSeconds(), pidSeconds };
}

export type CpuWindow = {
  wallSeconds: number;
  /** This node process, as % of one core. */
  ownPercent: number;
  /** The sampled pids together, as % of one core. */
  pidsPercent: number;
  /** Pids sampled at the start that had exited by the end: their CPU in the window is missing. */
  lostPids: number[];
};

/** CPU use between two samples; a pid only in `end` started inside the window and counts in full. */
export function cpuBetween(start: CpuSample, end: CpuSample): CpuWindow {
  const wallSeconds = (end.atMs - start.atMs) / 1000;
  let pidSeconds = 0;
  for (const [pid, seconds] of end.pidSeconds) pidSeconds += seconds - (start.pidSeconds.get(pid) ?? 0);
  return {
    wallSeconds,
    ownPercent: (100 * (end.ownSeconds - start.ownSeconds)) / wallSeconds,
    pidsPercent: (100 * pidSeconds) / wallSeconds,
    lostPids: [...start.pidSeconds.keys()].filter((pid) => !end.pidSeconds.has(pid)),
  };
}

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(ticks) && ticks > 0) return ticks;
  } catch {
    // No getconf: Linux has used 100 on every common architecture for decades.
  }
  return 100;
}
