// Settings of signed playback (playback-token.ts), shared by every tier: the secrets (the first
// signs, all verify, so a new secret goes first and the old one stays until its tokens expire),
// how long a token the catalog issues lasts, and the city this node serves (a relay refuses tokens
// bound to another city). The `playback` section of the configuration carries them; a node given
// no secret makes one for its own process, which serves `classcast all` but no multi-node setup.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from './config/schema.ts';

export const playbackSettingsSchema = z
  .object({
    secrets: z.array(z.string().min(32, 'a playback secret is at least 32 characters')).max(2).default([]),
    // Watch pages renew their token before it expires, so a short lifetime costs only catalog requests.
    // Below a minute is for tests (token renewal in a browser); keep it well above the clock skew
    // between the catalog and the tiers.
    tokenTtlSeconds: z.number().int().min(5).max(7 * 24 * 3600).default(4 * 3600),
    city: z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, 'a city is its catalog id').optional(),
  })
  .strict();

export type PlaybackSettings = { secrets: string[]; tokenTtlSeconds: number; city?: string | undefined };

const processSecret = randomBytes(32).toString('base64url');

/** The settings from the configuration's `playback` section, with the defaults. */
export function playbackSettingsFrom(config: Config): PlaybackSettings {
  const parsed = config.playback;
  return { ...parsed, secrets: parsed.secrets.length > 0 ? parsed.secrets : [processSecret] };
}
