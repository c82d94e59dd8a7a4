// The fake live origin's own process, forked by live-origin.ts with its rendition as JSON in argv:
// a live rendition that gains a segment every segment duration.
import { createServer } from 'node:http';
import { fakeSegment } from '../../test/helpers/fake-upstream.ts';
import type { LiveOriginMessage, LiveRendition } from './live-origin.ts';

const rendition = JSON.parse(process.argv[2] ?? '{}') as LiveRendition;
const report = (message: LiveOriginMessage) => process.send?.(message);
const segments = new Map<string, Buffer>();
const init = Buffer.alloc(1000);
init.writeUInt32BE(init.length, 0);
init.write('ftyp', 4, 'latin1');
let nextSequence = 0;
const counts = { segmentRequests: 0, playlistRequests: 0 };
const publish = () => {
  segments.set(`r1-${nextSequence}.m4s`, fakeSegment(rendition.segmentBytes, nextSequence));
  segments.delete(`r1-${nextSequence - rendition.playlistWindow - 4}.m4s`);
  nextSequence++;
};
// Three segments at once, so the first viewers find a playable playlist.
for (let index = 0; index < 3; index++) publish();
const clock = setInterval(publish, rendition.segmentSeconds * 1000);
const playlist = () => {
  const first = Math.max(0, nextSequence - rendition.playlistWindow);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${rendition.segmentSeconds}`, `#EXT-X-MEDIA-SEQUENCE:${first}`, `#EXT-X-MAP:URI="${rendition.initFile}"`];
  for (let sequence = first; sequence < nextSequence; sequence++) lines.push(`#EXTINF:${rendition.segmentSeconds.toFixed(3)},`, `r1-${sequence}.m4s`);
  return `${lines.join('\n')}\n`;
};
const base = rendition.playlistPath.slice(0, rendition.playlistPath.lastIndexOf('/') + 1);
const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0]!;
  if (path === rendition.playlistPath) {
    counts.playlistRequests++;
    return void response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'public, max-age=1' }).end(playlist());
  }
  const body = path === base + rendition.initFile ? init : path.startsWith(base) ? segments.get(path.slice(base.length)) : undefined;
  if (!body) return void response.writeHead(404, { 'Cache-Control': 'public, max-age=1' }).end();
  if (body !== init) counts.segmentRequests++;
  response.writeHead(200, { 'Content-Type': body === init ? 'video/mp4' : 'video/iso.segment', 'Content-Length': body.length, 'Cache-Control': 'public, max-age=31536000, immutable' }).end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const exit = () => {
  clearInterval(clock);
  process.exit(0);
};
// The benchmark going away (normally or not) ends the origin.
process.once('disconnect', exit);
process.once('SIGTERM', exit);
process.on('message', () => report({ type: 'stats', segmentsPublished: nextSequence, ...counts }));
report({ type: 'listening', port: (server.address() as { port: number }).port });
