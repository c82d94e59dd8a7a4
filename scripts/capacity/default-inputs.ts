// The assumptions of the worked example in docs/capacity.md (a province at 2,000 live classrooms
// and 449,000 concurrent students), as the capacity script's defaults. These are choices, not
// measurements: each flag of scripts/capacity/capacity.ts overrides one.
import type { CapacityInputs } from './capacity-model.ts';
import { configSchema } from '../../services/core/config/schema.ts';
import type { StorageInputs } from './storage-model.ts';
import { measuredFigures } from './measured-figures.ts';

export const defaultInputs: CapacityInputs = {
  classrooms: 2000,
  students: 449_000,
  // The example province's students live in ten cities of equal size.
  cities: 10,
  // What a swarm of 8 viewers achieved (measured-figures.ts); a lesson's swarm in a city is larger,
  // though never above 90 % with one seeder per 10 viewers (docs/p2p.md "Tuning for live").
  p2pShare: measuredFigures.p2pShare.value,
  // Half the students watch in a school with its own relay, half at home.
  schoolShare: 0.5,
  studentsPerSchool: 300,
  // A school of 300 watching students has about ten classes, each following one remote lesson.
  lessonsPerSchool: 10,
  // Home viewers on phones, laptops and home broadband: most not on the top rendition.
  renditionMix: { '720p': 0.3, '480p': 0.4, '360p': 0.3 },
  headroom: 0.25,
  wireOverhead: 0.05,
  segmentSeconds: 2,
  ingestNodeCores: 8,
  relayNodeCores: 8,
  relayNicGbps: 10,
  // A classroom encoder (OBS or a box) pushing 720p30 at about the top rung's bitrate.
  encoderKbps: 3000,
  routing: 'lesson',
};

/**
 * Replay storage (storage-model.ts): six teaching hours a day, and the configuration's own defaults
 * for the rest: the platform's retention (catalog.recordingRetentionDays) and storage policy
 * (storage.renditionPolicy.steps: the whole ladder for 30 days, as a replay is watched most in the
 * weeks after its lesson, then the top and the lowest rendition), so the model and the job agree.
 */
const configured = configSchema.parse({});
export const defaultStorage: Omit<StorageInputs, 'lessons' | 'ladder'> = {
  hoursPerDay: 6,
  retentionDays: configured.catalog.recordingRetentionDays,
  policy: configured.storage.renditionPolicy.steps,
};
