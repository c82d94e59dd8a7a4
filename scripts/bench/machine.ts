// The machine a benchmark runs on, for its first line, its last line and its JSON figures: other
// work on the machine (the load average) counts in every figure.
import { cpus, loadavg } from 'node:os';

export type Machine = { cpus: number; cpuModel: string; node: string; loadAverage: number };

/** The machine now; `tools` (such as the ffmpeg version) go before the load average. */
export function describeMachine<Tools extends Record<string, string> = Record<never, never>>(tools?: Tools): Machine & Tools {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, ...(tools as Tools), loadAverage: loadavg()[0]! };
}

/** `<title>: 2 x <model>, node v20.x[, <tools>]; load average 0.42 at start`. */
export function machineAtStart(title: string, machine: Machine, tools?: string): string {
  return `${title}: ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}${tools ? `, ${tools}` : ''}; load average ${machine.loadAverage.toFixed(2)} at start`;
}

export function loadAverageAtEnd(): string {
  return `Load average ${loadavg()[0]!.toFixed(2)} at the end (other work on the machine counts too).`;
}
