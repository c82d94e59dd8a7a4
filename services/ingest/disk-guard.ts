// Watches the disk lessons are written to, so a full or unwritable disk refuses new publishes and
// ends live runs while there is still room to finish them cleanly, instead of failing half-way
// through a write. Checked every few seconds and before every new lesson: free space (statfs) and
// whether a file can be written at all (a read-only remount, a dead mount, lost permissions). The
// alarm is logged once when it starts ('disk full' or 'disk unwritable') and once when it clears.
//
// The space kept free scales with how fast the disk is filling: between two checks a busy node can
// write far more than a fixed threshold (a small disk's 5 % is under a megabyte, a few seconds of a
// ladder), so the alarm would come after the writes had already failed with ENOSPC. The guard
// measures the space used per second between checks and keeps free at least what that rate
// writes over `reserveChecks` check intervals (never more than half the disk); once 'full' is
// raised, it clears only when space is freed, not because the writes it stopped slowed down.
import { mkdir, rm, statfs as statDisk, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/log.ts';

export type DiskState = {
  ok: boolean;
  /** 'full' when free space is under the threshold, 'unwritable' when a probe file can't be written. */
  alarm?: 'full' | 'unwritable';
  /** What is wrong, for logs and health answers. */
  reason?: string;
  freeBytes: number;
  totalBytes: number;
  /** Free space under which the alarm is raised: the configured bound or what the write rate needs, the larger. */
  minFreeBytes: number;
  /** Space used per second lately (writes less deletions), as measured between checks. */
  writeBytesPerSecond?: number;
  checkedAt: number;
};

export type DiskGuardOptions = {
  /** The folder lessons are written under (the data directory's `live`). */
  dir: string;
  log: Logger;
  /** The alarm is raised when free space is under the smaller of this and `minFreeRatio` of the disk. */
  minFreeBytes?: number;
  minFreeRatio?: number;
  checkSeconds?: number;
  /** For tests: the disk's figures and the clock. */
  statfs?: (dir: string) => Promise<{ bavail: number; bsize: number; blocks: number }>;
  now?: () => number;
};

export type DiskGuard = {
  /** The last check's answer (cheap: for the RTMP handshake and the supervision loop). */
  state(): DiskState;
  /** Checks now. */
  check(): Promise<DiskState>;
  close(): void;
};

export const diskGuardDefaults = { minFreeBytes: 1024 ** 3, minFreeRatio: 0.05, checkSeconds: 5 };
/** Check intervals of writing at the measured rate kept free: the next check, and a burst as large again. */
export const reserveChecks = 2;

/** The free space to keep: the configured threshold, or `reserveChecks` intervals of writing at `writeBytesPerSecond`, capped at half the disk. */
export function freeSpaceThreshold(configured: number, writeBytesPerSecond: number, checkSeconds: number, totalBytes: number): number {
  const forWrites = Math.min(Math.ceil(writeBytesPerSecond * checkSeconds * reserveChecks), Math.floor(totalBytes / 2));
  return Math.max(configured, forWrites);
}
/** Errors that mean the disk, not the data, is the problem: a run that meets one ends. */
export const diskErrorCodes = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);
const probeName = '.disk-probe';

export async function startDiskGuard(options: DiskGuardOptions): Promise<DiskGuard> {
  const minFreeBytes = options.minFreeBytes ?? diskGuardDefaults.minFreeBytes;
  const minFreeRatio = options.minFreeRatio ?? diskGuardDefaults.minFreeRatio;
  const checkSeconds = options.checkSeconds ?? diskGuardDefaults.checkSeconds;
  const now = options.now ?? Date.now;
  const statfs = options.statfs ?? statDisk;
  let current: DiskState = { ok: true, freeBytes: 0, totalBytes: 0, minFreeBytes, writeBytesPerSecond: 0, checkedAt: 0 };
  let checking: Promise<DiskState> | undefined;
  // The write rate is the slower of the last two intervals between checks: a lesson writes steadily,
  // so it shows in both, while a one-off burst (a file copied onto the disk) shows in one only and
  // must not raise the alarm on its own.
  let sample: { freeBytes: number; at: number } | undefined;
  let lastObserved = 0;
  let writeRate = 0;
  const noteFree = (freeBytes: number, at: number) => {
    if (sample && at - sample.at < 500) return;
    if (sample) {
      const observed = Math.max(0, (sample.freeBytes - freeBytes) / ((at - sample.at) / 1000));
      writeRate = Math.min(observed, lastObserved);
      lastObserved = observed;
    }
    sample = { freeBytes, at };
  };

  const measure = async (): Promise<DiskState> => {
    const checkedAt = now();
    try {
      await mkdir(options.dir, { recursive: true });
      const stats = await statfs(options.dir);
      const freeBytes = stats.bavail * stats.bsize;
      const totalBytes = stats.blocks * stats.bsize;
      noteFree(freeBytes, checkedAt);
      // While 'full' is raised, the threshold that raised it holds: the writes stop, the measured rate
      // falls, and the alarm must not clear (and let a publish fill the disk again) until space is freed.
      const held = current.alarm === 'full' ? current.minFreeBytes : 0;
      const threshold = Math.max(held, freeSpaceThreshold(Math.min(minFreeBytes, Math.floor(totalBytes * minFreeRatio)), writeRate, checkSeconds, totalBytes));
      const base = { freeBytes, totalBytes, minFreeBytes: threshold, writeBytesPerSecond: Math.round(writeRate), checkedAt };
      if (freeBytes < threshold) {
        const rate = writeRate > 0 ? ` (${mebibytes(writeRate)} written per second lately)` : '';
        return { ...base, ok: false, alarm: 'full', reason: `${mebibytes(freeBytes)} free on the disk of ${options.dir}, under the ${mebibytes(threshold)} kept free${rate}` };
      }
      const probe = join(options.dir, probeName);
      await writeFile(probe, 'probe');
      await rm(probe, { force: true });
      return { ...base, ok: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const alarm = code === 'ENOSPC' || code === 'EDQUOT' ? 'full' : 'unwritable';
      return { ok: false, alarm, reason: `${options.dir} cannot be written (${code}: ${(error as Error).message})`, freeBytes: current.freeBytes, totalBytes: current.totalBytes, minFreeBytes: current.minFreeBytes, ...(current.writeBytesPerSecond !== undefined ? { writeBytesPerSecond: current.writeBytesPerSecond } : {}), checkedAt };
    }
  };

  const check = (): Promise<DiskState> => {
    checking ??= measure()
      .then((next) => {
        if (!next.ok && (current.ok || current.alarm !== next.alarm)) {
          options.log.error(next.alarm === 'full' ? 'disk full' : 'disk unwritable', { dir: options.dir, reason: next.reason, freeBytes: next.freeBytes, minFreeBytes: next.minFreeBytes, action: 'new publishes are refused and live runs end; what is on disk is still served' });
        }
        if (next.ok && !current.ok && current.checkedAt > 0) options.log.warn('disk alarm cleared', { dir: options.dir, freeBytes: next.freeBytes });
        current = next;
        return next;
      })
      .finally(() => (checking = undefined));
    return checking;
  };

  await check();
  const timer = setInterval(() => void check(), checkSeconds * 1000);
  timer.unref();
  return { state: () => current, check, close: () => clearInterval(timer) };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
