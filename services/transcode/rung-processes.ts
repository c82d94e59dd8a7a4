// Which ffmpeg processes a lesson's encoded rungs run in, and what to change when the wanted rungs
// change (a rung shed or restored, the source judged). Pure: the wanted rungs and the processes in,
// a plan out, so it is tested without processes.
//
// `one` (the default): every wanted rung in one process, which decodes the source once
// (ffmpeg-args.ts buildLadderArgs). A process cannot drop an output while it runs, so shedding or
// restoring a rung replaces that process (lesson-renditions.ts stops it; meanwhile its rungs'
// playlists take the source's segments) and, once it has exited, starts one with the new set. `each`: one process per rung, each decoding the source itself: a rung comes and goes
// without touching the others, at the price of one decode per rung (the ladder before issue 15's
// last step, kept for the side-by-side benchmark and for a node whose CPU prefers it).
//
// Rules of the plan:
// - a process that is not ending is kept when it carries exactly one wanted group, with the
//   keyframes now wanted; any other is ended (`drain`: stopped when replaced, drained at the end of
//   a publish);
// - a wanted group no kept process carries is started, but only once no process that carries any
//   of its rungs is left (ending, or ended now): a rung's playlist never has two runs at once.

export type RungProcesses = 'one' | 'each';

/** The processes wanted for `wanted` (the rungs to encode, best first). */
export function rungGroups(wanted: readonly string[], mode: RungProcesses): string[][] {
  if (wanted.length === 0) return [];
  return mode === 'one' ? [[...wanted]] : wanted.map((name) => [name]);
}

export type RunningProcess = {
  id: number;
  rungs: readonly string[];
  draining: boolean;
  /** Started with the keyframes now wanted (the source's, or one per segment). */
  keyframesMatch: boolean;
};

/** `waiting`: wanted groups that cannot start yet (a process carrying one of their rungs has not exited). */
export type ProcessPlan = { drain: number[]; start: string[][]; waiting: string[][] };

export function planProcesses(groups: readonly (readonly string[])[], running: readonly RunningProcess[]): ProcessPlan {
  const sameRungs = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((name, index) => name === b[index]);
  const kept = running.filter((process) => !process.draining && process.keyframesMatch && groups.some((group) => sameRungs(group, process.rungs)));
  const drain = running.filter((process) => !process.draining && !kept.includes(process)).map((process) => process.id);
  const busy = new Set(running.filter((process) => !kept.includes(process)).flatMap((process) => process.rungs));
  const missing = groups.filter((group) => !kept.some((process) => sameRungs(group, process.rungs)));
  const free = (group: readonly string[]) => group.every((name) => !busy.has(name));
  return { drain, start: missing.filter(free).map((group) => [...group]), waiting: missing.filter((group) => !free(group)).map((group) => [...group]) };
}
