// WebSocket upgrades on one HTTP server, by path: the P2P tracker at /tracker and the raised-hand
// signalling at /hands share a node's port (`all` carries both on its ingest server). Node calls
// every 'upgrade' listener for every upgrade, so each service listening for itself would answer the
// other's upgrades too; one listener per server dispatches by path instead, and refuses a path no
// service took with 404.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

const routes = new WeakMap<Server, { handlers: Map<string, UpgradeHandler>; listener: UpgradeHandler }>();

/** Sends `path`'s upgrades (query string aside) to `handler`; answers a function that takes it back. */
export function onUpgradePath(server: Server, path: string, handler: UpgradeHandler): () => void {
  let route = routes.get(server);
  if (!route) {
    const handlers = new Map<string, UpgradeHandler>();
    const listener: UpgradeHandler = (request, socket, head) => {
      const taker = handlers.get((request.url ?? '').split('?')[0]!);
      if (taker) taker(request, socket, head);
      else refuseUpgrade(socket, '404 Not Found');
    };
    route = { handlers, listener };
    routes.set(server, route);
    server.on('upgrade', listener);
  }
  if (route.handlers.has(path)) throw new Error(`two services want WebSocket upgrades at ${path} on one server`);
  route.handlers.set(path, handler);
  const taken = route;
  return () => {
    if (taken.handlers.get(path) !== handler) return;
    taken.handlers.delete(path);
    if (taken.handlers.size === 0) {
      server.off('upgrade', taken.listener);
      routes.delete(server);
    }
  };
}

/** Answers an upgrade we do not take with a plain HTTP status, then hangs up. */
export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
