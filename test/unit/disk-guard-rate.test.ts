// The disk guard against a disk filling fast: its threshold grows with the measured write rate, so
// the 'disk full' alarm comes while there is still room for the next check interval's writes, not
// after ENOSPC. The disk's figures and the clock are scripted; no real disk fills.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { freeSpaceThreshold, startDiskGuard } from '../../services/ingest/disk-guard.ts';

const MiB = 1024 ** 2;

describe('disk guard threshold by write rate', () => {
  it('keeps free what the write rate fills in two check intervals, at most half the disk', () => {
    assert.equal(freeSpaceThreshold(0.8 * MiB, 0, 5, 16 * MiB), 0.8 * MiB, 'idle: the configured bound');
    assert.equal(freeSpaceThreshold(0.8 * MiB, 0.5 * MiB, 5, 64 * MiB), 5 * MiB);
    assert.equal(freeSpaceThreshold(0.8 * MiB, 4 * MiB, 5, 16 * MiB), 8 * MiB, 'half the disk at most');
  });

  it('takes a one-off burst (a file copied onto the disk) for no write rate', async () => {
    setLogLevel('error');
    const dir = mkdtempSync(join(tmpdir(), 'classcast-guard-'));
    let at = 0;
    let freeBytes = 30 * MiB;
    try {
      const guard = await startDiskGuard({
        dir,
        log: createLogger({ role: 'test' }),
        statfs: async () => ({ bavail: freeBytes / 4096, bsize: 4096, blocks: (32 * MiB) / 4096 }),
        now: () => at,
      });
      try {
        at += 5000;
        freeBytes = 6 * MiB;
        assert.equal((await guard.check()).ok, true);
        at += 5000;
        const state = await guard.check();
        assert.equal(state.ok, true);
        assert.equal(state.writeBytesPerSecond, 0);
      } finally {
        guard.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("raises 'disk full' on a 16 MiB disk written at 1 MiB/s before the writes run out of room", async () => {
    setLogLevel('error');
    const dir = mkdtempSync(join(tmpdir(), 'classcast-guard-'));
    const totalBytes = 16 * MiB;
    let at = 0;
    let freeBytes = 15 * MiB;
    try {
      const guard = await startDiskGuard({
        dir,
        log: createLogger({ role: 'test' }),
        checkSeconds: 5,
        statfs: async () => ({ bavail: Math.max(0, Math.floor(freeBytes / 4096)), bsize: 4096, blocks: totalBytes / 4096 }),
        now: () => at,
      });
      try {
        // The configured bound alone would be 5 % of the disk: 0.8 MiB, about a second of these writes.
        assert.equal(guard.state().minFreeBytes, Math.floor(totalBytes * 0.05));
        let alarmedWithFree: number | undefined;
        // Checks every 5 s while a lesson writes 1 MiB/s, until the alarm or the disk is full.
        for (let check = 0; check < 10 && freeBytes > 0; check++) {
          at += 5000;
          freeBytes -= 5 * MiB;
          const state = await guard.check();
          if (!state.ok) {
            alarmedWithFree = state.freeBytes;
            assert.equal(state.alarm, 'full');
            assert.match(state.reason ?? '', /written per second/);
            assert.equal(state.writeBytesPerSecond, MiB);
            break;
          }
        }
        assert.ok(alarmedWithFree !== undefined && alarmedWithFree >= 5 * MiB, `alarm raised with ${alarmedWithFree} bytes free; the next check interval writes 5 MiB`);
        // The writes stop: the alarm holds until space is freed, though the measured rate falls.
        for (let check = 0; check < 4; check++) {
          at += 5000;
          assert.equal((await guard.check()).alarm, 'full', `still full after ${check + 1} quiet checks`);
        }
        freeBytes = 14 * MiB;
        at += 5000;
        assert.equal((await guard.check()).ok, true, 'cleared once space is freed');
      } finally {
        guard.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
