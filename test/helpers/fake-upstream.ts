// A stand-in upstream for relay tests: a plain HTTP server on loopback whose answers a test scripts
// path by path (slow bodies, errors, garbage), counting the requests it gets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export type FakeUpstream = { url: string; requests: Map<string, number>; handle(path: string, handler: Handler): void; close(): Promise<void> };

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const handlers = new Map<string, Handler>();
  const requests = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const handler = handlers.get(path);
    if (!handler) {
      response.writeHead(404).end();
      return;
    }
    void handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (path, handler) => handlers.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fake CMAF media segment: a valid box header followed by `size` bytes of pattern. */
export function fakeSegment(size: number, seed = 1): Buffer {
  const body = Buffer.alloc(size);
  body.writeUInt32BE(size, 0);
  body.write('styp', 4, 'latin1');
  for (let index = 8; index < size; index++) body[index] = (index * 31 + seed) & 0xff;
  return body;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
