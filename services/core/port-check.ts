// Listening is checked before handing a port to code that would exit the process on a clash
// (node-media-server calls process.exit on EADDRINUSE), so a busy port becomes a clear error instead.
import { createServer, type Server } from 'node:net';

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Listens on host:port with a plain server, or fails with a message naming the option to change. */
export function listen(server: Server, port: number, host: string, option: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(`${option}: port ${port} on ${host} is already in use; stop the other process or choose another port`)
          : new Error(`${option}: cannot listen on ${host}:${port}: ${error.message}`),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** A free TCP port on loopback, for tests, benchmarks and the demo. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, 0, '127.0.0.1', 'freePort');
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
