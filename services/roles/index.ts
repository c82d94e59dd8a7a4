// The roles `classcast <role>` can start. Each is a function from configuration to a running role,
// so `all`, the tests and the benchmarks compose the same pieces a deployment runs separately.
// Roles load lazily: an ingest node never loads the player's build tooling.
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import type { RunningRole } from './running-role.ts';

export type RoleStarter = (config: Config, log: Logger) => Promise<RunningRole>;

export const roles: Record<string, (() => Promise<RoleStarter>) | { notBuilt: string }> = {
  all: async () => (await import('./all.ts')).startAll,
  ingest: async () => (await import('./ingest.ts')).startIngestRole,
  relay: async () => (await import('./relay.ts')).startRelayRole,
  tracker: { notBuilt: 'the P2P tracker is not a role of its own: it runs at /tracker inside every relay and the origin (classcast relay, classcast ingest)' },
  catalog: async () => (await import('./catalog.ts')).startCatalogRole,
};
