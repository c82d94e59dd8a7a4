// The slow origin's own process, forked by slow-origin.ts with its settings as JSON in argv:
// any segment name under /live gets one fixed body, headers at once, the body slowly.
import { createServer } from 'node:http';
import { fakeSegment } from '../../test/helpers/fake-upstream.ts';
import type { SlowOriginMessage, SlowOriginSettings } from './slow-origin.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as SlowOriginSettings;
const report = (message: SlowOriginMessage) => process.send?.(message);
const body = fakeSegment(settings.segmentBytes);
const pieceBytes = Math.ceil(body.length / settings.originPieces);
const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0]!;
  report({ type: 'request', path });
  if (!/^\/live\/[\w-]+\/[\w-]+\/r\d+-\d+\.m4s$/.test(path)) return void response.writeHead(404).end();
  const startMs = performance.now();
  response.writeHead(200, { 'Content-Type': 'video/iso.segment', 'Content-Length': body.length, 'Cache-Control': 'public, max-age=31536000, immutable' });
  let piece = 0;
  const sendPiece = () => {
    if (response.destroyed) return;
    response.write(body.subarray(piece * pieceBytes, (piece + 1) * pieceBytes));
    piece++;
    if (piece < settings.originPieces) return void setTimeout(sendPiece, settings.originMs / settings.originPieces);
    response.end(() => report({ type: 'delivered', path, startMs, endMs: performance.now() }));
  };
  sendPiece();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
// The benchmark going away (normally or not) ends the origin.
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
report({ type: 'listening', port: (server.address() as { port: number }).port });
