// `classcast relay --upstream URL [--upstream URL ...]`: a city or school relay.
import type { Config } from '../core/config/schema.ts';
import { startHttpServer } from '../core/http-server.ts';
import type { Logger } from '../core/log.ts';
import { startRelay, type Relay } from '../relay/start-relay.ts';
import type { RunningRole } from './running-role.ts';

export type RelayRole = RunningRole & { relay: Relay; httpPort: number };

/** `port` overrides http.port: `all` runs its city relay on relay.port beside the province's HTTP port. */
export async function startRelayRole(config: Config, log: Logger, port = config.http.port): Promise<RelayRole> {
  const relay = startRelay(config, log);
  const http = await startHttpServer({
    host: config.http.host,
    port,
    log,
    routers: [relay.router],
    fastPath: relay.fastPath,
    health: () => ({ role: 'relay', node: config.node.id, ...relay.health() }),
  }).catch((error: unknown) => {
    relay.close();
    throw error;
  });
  return {
    relay,
    httpPort: http.port,
    urls: { relay: `http://127.0.0.1:${http.port}/` },
    async close() {
      relay.close();
      await http.close();
    },
  };
}
