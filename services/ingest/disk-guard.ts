// Watches the disk lessons are written to, so a full or unwritable disk refuses new publishes and
// ends live runs while there is still room to finish them cleanly, instead of failing half-way
// through a write. Checked every few seconds and before every new lesson: free space (statfs) and
// whether a file can be written at all (a read-only remount, a dead mount, lost permissions). The
// alarm is logged once when it starts ('disk full' or 'disk unwritable') and once when it clears.
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
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
  /** Free space under which the alarm is raised. */
  minFreeBytes: number;
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
};

export type DiskGuard = {
  /** The last check's answer (cheap: for the RTMP handshake and the supervision loop). */
  state(): DiskState;
  /** Checks now. */
  check(): Promise<DiskState>;
  close(): void;
};

export const diskGuardDefaults = { minFreeBytes: 1024 ** 3, minFreeRatio: 0.05, checkSeconds: 5 };
/** Errors that mean the disk, not the data, is the problem: a run that meets one ends. */
export const diskErrorCodes = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);
const probeName = '.disk-probe';

export async function startDiskGuard(options: DiskGuardOptions): Promise<DiskGuard> {
  const minFreeBytes = options.minFreeBytes ?? diskGuardDefaults.minFreeBytes;
  const minFreeRatio = options.minFreeRatio ?? diskGuardDefaults.minFreeRatio;
  let current: DiskState = { ok: true, freeBytes: 0, totalBytes: 0, minFreeBytes, checkedAt: 0 };
  let checking: Promise<DiskState> | undefined;

  const measure = async (): Promise<DiskState> => {
    const checkedAt = Date.now();
    try {
      await mkdir(options.dir, { recursive: true });
      const stats = await statfs(options.dir);
      const freeBytes = stats.bavail * stats.bsize;
      const totalBytes = stats.blocks * stats.bsize;
      const threshold = Math.min(minFreeBytes, Math.floor(totalBytes * minFreeRatio));
      const base = { freeBytes, totalBytes, minFreeBytes: threshold, checkedAt };
      if (freeBytes < threshold) {
        return { ...base, ok: false, alarm: 'full', reason: `${mebibytes(freeBytes)} free on the disk of ${options.dir}, under the ${mebibytes(threshold)} kept free` };
      }
      const probe = join(options.dir, probeName);
      await writeFile(probe, 'probe');
      await rm(probe, { force: true });
      return { ...base, ok: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const alarm = code === 'ENOSPC' || code === 'EDQUOT' ? 'full' : 'unwritable';
      return { ok: false, alarm, reason: `${options.dir} cannot be written (${code}: ${(error as Error).message})`, freeBytes: current.freeBytes, totalBytes: current.totalBytes, minFreeBytes: current.minFreeBytes, checkedAt };
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
  const timer = setInterval(() => void check(), (options.checkSeconds ?? diskGuardDefaults.checkSeconds) * 1000);
  timer.unref();
  return { state: () => current, check, close: () => clearInterval(timer) };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
