// The node's idle CPU share, sampled from the kernel's per-core counters (os.cpus()) whenever it is
// asked and averaged over the last few seconds: what the shedding policy (rendition-shedding.ts)
// needs to know before it gives a rendition back, and what the heartbeat reports as the node's load.
// Process-wide on purpose: one machine, one figure, shared by every lesson on it.
import { cpus } from 'node:os';

type Sample = { at: number; idle: number; total: number };

/** Samples older than this are dropped: the figure describes the last few seconds. */
const windowMs = 10_000;
const samples: Sample[] = [];

function sampleNow(): Sample {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle: idleTime, irq } = cpu.times;
    idle += idleTime;
    total += user + nice + sys + idleTime + irq;
  }
  return { at: Date.now(), idle, total };
}

/** The idle share (0 to 1) since the oldest sample within the window; 1 until there are two samples. */
export function nodeIdleShare(): number {
  const now = sampleNow();
  while (samples.length > 1 && now.at - samples[0]!.at > windowMs) samples.shift();
  const last = samples.at(-1);
  if (!last || now.at - last.at >= 500) samples.push(now);
  const oldest = samples[0]!;
  const total = now.total - oldest.total;
  return total > 0 ? (now.idle - oldest.idle) / total : 1;
}
