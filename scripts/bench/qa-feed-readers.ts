// The simulated readers of bench:qa-feed, in their own process (so their load does not slow the
// origin or the poster): `readers` viewers each reading the feed URL once a second, over a pool of
// `connections` keep-alive sockets (a reader is a request schedule, as a browser's page is, not a
// socket of its own). `watchers` of them parse what they read and note when each item id first
// appears; the rest read the bytes and drop them. Prints one JSON line of figures at the end.
//   node --import tsx scripts/bench/qa-feed-readers.ts <url> <readers> <seconds> <connections> <watchers>
import { Agent, request } from 'node:http';

const [url, readersArg, secondsArg, connectionsArg, watchersArg] = process.argv.slice(2);
if (!url) throw new Error('usage: qa-feed-readers.ts <url> <readers> <seconds> <connections> <watchers>');
const readers = Number(readersArg);
const endAt = Date.now() + Number(secondsArg) * 1000;
const agent = new Agent({ keepAlive: true, maxSockets: Number(connectionsArg) });
const watchers = Number(watchersArg);

const figures = { requests: 0, ok: 0, errors: 0, bytes: 0, statuses: {} as Record<string, number> };
/** Per watcher: item id -> when it first saw it (ms since the epoch). */
const seen: Array<Record<number, number>> = Array.from({ length: watchers }, () => ({}));

function read(reader: number): Promise<void> {
  return new Promise((resolve) => {
    figures.requests++;
    const sent = request(url!, { agent }, (response) => {
      figures.statuses[response.statusCode ?? 0] = (figures.statuses[response.statusCode ?? 0] ?? 0) + 1;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        figures.bytes += chunk.length;
        if (reader < watchers) chunks.push(chunk);
      });
      response.on('end', () => {
        if (response.statusCode === 200) figures.ok++;
        if (reader < watchers && response.statusCode === 200) {
          const at = Date.now();
          const feed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items: Array<{ id: number }> };
          for (const item of feed.items) seen[reader]![item.id] ??= at;
        }
        resolve();
      });
    });
    sent.on('error', () => {
      figures.errors++;
      resolve();
    });
    sent.end();
  });
}

async function reader(index: number): Promise<void> {
  // Readers start spread over the first second, as pages opened at different moments.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
  while (Date.now() < endAt) {
    const started = Date.now();
    await read(index);
    const wait = started + 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

await Promise.all(Array.from({ length: readers }, (_, index) => reader(index)));
agent.destroy();
process.stdout.write(`${JSON.stringify({ ...figures, seen })}\n`);
