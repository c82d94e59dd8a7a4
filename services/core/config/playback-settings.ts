// The signed playback settings a tier runs with, from the configuration's `playback` section
// (schema.ts): a node given no secret makes one for its own process, which serves `classcast all`
// but no multi-node setup.
import { randomBytes } from 'node:crypto';
import type { Config, PlaybackConfig } from './schema.ts';

export type PlaybackSettings = PlaybackConfig;

const processSecret = randomBytes(32).toString('base64url');

/** The settings from the configuration's `playback` section, with the defaults. */
export function playbackSettingsFrom(config: Config): PlaybackSettings {
  const parsed = config.playback;
  return { ...parsed, secrets: parsed.secrets.length > 0 ? parsed.secrets : [processSecret] };
}
