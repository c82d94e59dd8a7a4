// Applies the storage policy (services/core/rendition-policy.ts) to the replays where this catalog's
// storage keeps them (storage.kind 'local': dataDir/vod; 's3': the bucket; a replay still waiting
// on a node's disk for its upload is thinned once it is in the bucket). Runs as the
// 'storage-policy' job on the durable queue (jobs/catalog-jobs.ts), once per slot across catalogs.
// A replay is thinned in two steps, so a player never sees a rendition its master lists go missing:
// 1. the master playlist is rewritten without the dropped renditions (the replay's row says so
//    first: kept, leaving, their bytes, when they go); caches hold a replay's master 5 minutes
//    (services/media-http/cache-policy.ts), a player that loaded the old one plays on from the files;
// 2. storage.renditionPolicy.graceMinutes later the leaving renditions' folders (playlist, hash
//    list, init and media segments) are removed, and what was freed is recorded: the row
//    (renditions_dropped, policy_freed_bytes, size_bytes), the audit log, a Prometheus counter.
// Never the last rendition (renditionsToKeep keeps one), never a pinned recording (its row refuses
// both steps), never a lesson that is live. Thumbnails, the poster and the kept renditions' hash
// lists stay. A prepared MP4 made from the top rendition goes with it: the next download is
// prepared from the best rendition kept (mp4-export.ts takes the master's first). Each row change is
// conditional on what was read, so the job is idempotent and two catalogs running it at once (the
// queue's run-once guarantee aside) change a replay once.
import type { Logger } from '../../core/log.ts';
import { isSafePathPart } from '../../core/media-path.ts';
import { renditionsToKeep, type PolicyStep } from '../../core/rendition-policy.ts';
import type { ReplayFiles } from '../../replay/replay-files.ts';
import { masterRenditions, trimmedMaster } from '../../replay/trimmed-master.ts';
import { finishAuditEntry, startAuditEntry } from '../audit/audit-log.ts';
import type { Queryable } from '../db/database.ts';
import {
  dueLeavingReplays,
  forgetMp4,
  markRenditionsDropped,
  markRenditionsLeaving,
  markStepApplied,
  policyCandidates,
  postponeLeaving,
  type PolicyCandidate,
} from '../queries/rendition-policy.ts';
import { renditionPolicyCounts } from './rendition-policy-counts.ts';

export type PolicyJobOptions = {
  files: ReplayFiles;
  defaultSteps: readonly PolicyStep[];
  graceMinutes: number;
  log?: Logger;
  /** Replays looked at per pass (the job passes again until none is left). */
  batch?: number;
};

/** What one run did: replays whose master was thinned, and those whose leaving files went (and the bytes). */
export type PolicyRun = { thinned: string[]; dropped: string[]; freedBytes: number };

export async function applyRenditionPolicy(db: Queryable, now: Date, options: PolicyJobOptions): Promise<PolicyRun> {
  const run: PolicyRun = { thinned: [], dropped: [], freedBytes: 0 };
  const batch = options.batch ?? 200;
  // Each replay is looked at once a run, even one that fails (tried again at the next sweep).
  const seen: string[] = [];
  for (;;) {
    const candidates = await policyCandidates(db, now, options.files.location, options.defaultSteps, batch, seen);
    if (candidates.length === 0) break;
    for (const candidate of candidates) {
      seen.push(candidate.id);
      try {
        if (await thin(db, now, candidate, options, run)) run.thinned.push(candidate.id);
      } catch (error) {
        options.log?.warn('storage policy not applied to a replay; tried again at the next sweep', { recording: candidate.id, error: (error as Error).message });
      }
    }
  }
  const removed: string[] = [];
  for (;;) {
    const due = await dueLeavingReplays(db, now, options.files.location, batch, removed);
    if (due.length === 0) break;
    for (const replay of due) {
      removed.push(replay.id);
      try {
        await removeLeaving(db, now, replay, options, run);
      } catch (error) {
        options.log?.warn("a replay's dropped renditions not removed yet; tried again at the next sweep", { recording: replay.id, error: (error as Error).message });
      }
    }
  }
  return run;
}

/** Step 1 for one replay: true when its master now lists fewer renditions. */
async function thin(db: Queryable, now: Date, candidate: PolicyCandidate, options: PolicyJobOptions, run: PolicyRun): Promise<boolean> {
  const { files } = options;
  const master = await files.readMaster(candidate.storagePath);
  if (master === undefined) {
    // On local storage, a replay on another node's disk (a split deployment: docs/deploy.md, "Limits today").
    if (files.location === 'local') return false;
    throw new Error(`${candidate.storagePath} has no master playlist in the bucket`);
  }
  const listed = masterRenditions(master);
  const kept = renditionsToKeep(listed, [candidate.step], Number.POSITIVE_INFINITY);
  const leaving = listed.filter((name) => !kept.includes(name));
  if (leaving.length === 0 || kept.length === 0) {
    await markStepApplied(db, candidate.id, candidate.step);
    return false;
  }
  for (const name of leaving) if (!isSafePathPart(name)) throw new Error(`the master names a rendition folder ${JSON.stringify(name)} that is not a plain name`);
  let bytes = 0;
  for (const name of leaving) bytes += await files.renditionBytes(candidate.storagePath, name);
  const leaveAt = new Date(now.getTime() + options.graceMinutes * 60_000);
  // The row first: it is the claim (pinned, another catalog first, an MP4 started: no change), and
  // a master written after it but lost is written again before any file goes (removeLeaving).
  if (!(await markRenditionsLeaving(db, candidate.id, { before: candidate.renditions, kept, leaving, bytes, leaveAt, step: candidate.step }))) return false;
  await files.writeMaster(candidate.storagePath, trimmedMaster(master, kept));
  options.log?.info('storage policy: renditions left the replay', { recording: candidate.id, kept, leaving, bytes, filesGoAt: leaveAt.toISOString() });
  if (candidate.mp4Ready && leaving.includes(listed[0]!)) {
    // While the row still says 'ready', no preparation can start and write a new file under this name.
    await files.removeMp4(candidate.storagePath, candidate.id);
    if (await forgetMp4(db, candidate.id, candidate.mp4SizeBytes)) {
      renditionPolicyCounts.mp4sRemoved[files.location] += 1;
      renditionPolicyCounts.freedBytes[files.location] += candidate.mp4SizeBytes;
      run.freedBytes += candidate.mp4SizeBytes;
      options.log?.info('storage policy: MP4 removed with its rendition; the next download is made from the best kept', { recording: candidate.id, bytes: candidate.mp4SizeBytes, from: kept[0] });
    }
  }
  return true;
}

/** Step 2 for one replay: its leaving renditions' files go, once its master no longer names them. */
async function removeLeaving(db: Queryable, now: Date, replay: Awaited<ReturnType<typeof dueLeavingReplays>>[number], options: PolicyJobOptions, run: PolicyRun): Promise<void> {
  const { files } = options;
  const leaving = replay.leaving.filter((name) => !replay.renditions.includes(name));
  const master = await files.readMaster(replay.storagePath);
  if (master === undefined) throw new Error(`${replay.storagePath} has no master playlist ${files.location === 'bucket' ? 'in the bucket' : 'on this disk'}`);
  const stillListed = masterRenditions(master).filter((name) => leaving.includes(name));
  if (stillListed.length > 0) {
    // Step 1's master write was lost: write it now, and give players holding it a whole grace.
    await files.writeMaster(replay.storagePath, trimmedMaster(master, masterRenditions(master).filter((name) => !leaving.includes(name))));
    await postponeLeaving(db, replay.id, replay.leaveAt, new Date(now.getTime() + options.graceMinutes * 60_000));
    return;
  }
  for (const name of leaving) {
    if (!isSafePathPart(name)) throw new Error(`rendition ${JSON.stringify(name)} is not a plain name`);
    await files.removeRendition(replay.storagePath, name);
  }
  if (!(await markRenditionsDropped(db, replay.id, replay.leaveAt))) return;
  renditionPolicyCounts.renditionsDropped[files.location] += leaving.length;
  renditionPolicyCounts.freedBytes[files.location] += replay.bytes;
  run.dropped.push(replay.id);
  run.freedBytes += replay.bytes;
  await auditDrop(db, replay.id, leaving);
  options.log?.info('storage policy: dropped renditions removed', { recording: replay.id, renditions: leaving, bytes: replay.bytes, location: files.location });
}

/**
 * The audit log's entry of what the policy did to a replay: no account (the job did it), the action
 * "JOB storage-policy", the recording, and in `fields` the renditions removed (their bytes are in the
 * recording's policyFreedBytes).
 */
async function auditDrop(db: Queryable, recordingId: string, renditions: readonly string[]): Promise<void> {
  const id = await startAuditEntry(db, { actor: null, action: 'JOB storage-policy', resource: 'recordings', resourceId: recordingId, path: `/recordings/${recordingId}`, fields: [...renditions], clientIp: null });
  await finishAuditEntry(db, id, { status: 200 });
}
