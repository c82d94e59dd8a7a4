import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cleanup } from './cleanup.ts';

/** A private temporary directory for one run of the `bench` benchmark, removed by `cleanup`. */
export async function createWorkDir(bench: string, cleanup: Cleanup): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `classcast-bench-${bench}-`));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
