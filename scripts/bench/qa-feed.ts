// bench:qa-feed: the live classroom's feed at scale. N simulated readers (default 10,000) read one
// live lesson's questions feed (/live/<lesson>/qa.json) once a second through one relay for 60 s,
// while viewers post 20 questions and comments a second to the catalog API. We want the requests
// reaching the origin for the feed to stay about one a second whatever N is (the relay holds one
// copy for a second and single-flights its refresh), post-to-visible delay (from sending a post to a
// reader first seeing it) p50 and p95 (goal: p95 <= 2 s), and the relay's CPU.
//   npm run bench:qa-feed -- [--readers 10000] [--seconds 60] [--posts-per-second 20] [--connections 1000] [--watchers 50]
// The origin (the ingest's /live routes over the catalog, as in `classcast all`) and the poster run
// in this process, over a throwaway PostgreSQL (`--database pglite`: embedded PGlite); the relay (bin/classcast.js relay) and the readers (qa-feed-readers.ts) each in
// their own. The readers share sockets: `--connections` keep-alive sockets carry every reader's
// once-a-second read, as a city's NAT and HTTP/2 would; `--watchers` of them parse the feed to time
// visibility. No peer to compare with: no other open system serves a classroom feed this way.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import express from 'express';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { createQaFeedSource } from '../../services/catalog/qa/qa-feed-source.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { liveRoutes } from '../../services/origin/live-routes.ts';
import { createPlaybackGuard } from '../../services/media-http/playback-guard.ts';
import { startThrowawayPostgres } from '../cluster/throwaway-postgres.ts';
import { progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { percentile } from './percentile.ts';
import { readProcStat } from './process-cpu.ts';
import { fetchRelayStats, startRelayProcess } from './relay-process.ts';
import { runBench } from './run-bench.ts';
import { stopOnCleanup } from './stop-child.ts';
import { textTable } from './text-table.ts';
import { createWorkDir } from './work-dir.ts';

const { values } = parseArgs({
  options: {
    readers: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '60' },
    'posts-per-second': { type: 'string', default: '20' },
    connections: { type: 'string', default: '1000' },
    watchers: { type: 'string', default: '50' },
    database: { type: 'string', default: 'postgres' },
  },
});
const run = {
  readers: boundedInteger(values.readers!, 1, 50_000, '--readers'),
  seconds: boundedInteger(values.seconds!, 5, 600, '--seconds'),
  postsPerSecond: boundedInteger(values['posts-per-second']!, 1, 200, '--posts-per-second'),
  connections: boundedInteger(values.connections!, 1, 15_000, '--connections'),
  watchers: boundedInteger(values.watchers!, 1, 500, '--watchers'),
  /** The catalog's database: a throwaway PostgreSQL (what a province runs), or embedded PGlite. */
  database: values.database === 'pglite' ? ('pglite' as const) : ('postgres' as const),
};
const lessonId = 'bench-qa-lesson';
const readersScript = fileURLToPath(new URL('./qa-feed-readers.ts', import.meta.url));

await runBench('qa feed benchmark', [], main);

async function main(cleanup: Cleanup): Promise<void> {
  const machine = describeMachine();
  progress(machineAtStart('qa-feed', machine));
  setLogLevel('warn');
  const dir = await createWorkDir('qa-feed', cleanup);
  const log = createLogger({ role: 'bench-origin' });
  // The bench's posters are many viewers behind one address: the per-viewer and per-address buckets are opened up.
  const open = { burst: 100_000, perSecond: 100_000 };
  const config = resolveConfig([{ source: 'bench', values: { dataDir: dir, demo: { enabled: false }, qa: { perViewer: open, perAddress: open, perLesson: open } } }]);
  let databaseUrl = 'memory://';
  if (run.database === 'postgres') {
    const postgres = await startThrowawayPostgres();
    cleanup.add(() => postgres.stop());
    databaseUrl = await postgres.createDatabase('qa_bench');
  }
  const db = await openDatabase({ databaseUrl, dataDir: dir }, log);
  cleanup.add(() => db.close());
  const token = await seedLesson(db);

  let originFeedRequests = 0;
  const counter = express.Router().use((request, _response, next) => {
    if (request.path === `/live/${lessonId}/qa.json`) originFeedRequests++;
    next();
  });
  const guard = createPlaybackGuard({ secrets: [randomBytes(32).toString('base64url')], tokenTtlSeconds: 3600 });
  const lessonFor = (id: string) => (id === lessonId ? { segmentSeconds: 2, ended: false } : undefined);
  const origin = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [counter, liveRoutes(dir, lessonFor, guard, createQaFeedSource(db)), catalogApi({ db, config, log, rtmpBase: () => '' })], log, health: () => ({}) });
  cleanup.add(() => origin.close());
  const originUrl = `http://127.0.0.1:${origin.port}`;
  const relay = await startRelayProcess(originUrl, dir, cleanup);
  const feedUrl = `${relay.baseUrl}/live/${lessonId}/qa.json`;
  const first = await fetch(feedUrl);
  if (first.status !== 200) throw new Error(`the relay answered ${first.status} for the feed`);
  progress(`origin ${originUrl}, relay ${relay.baseUrl} (pid ${relay.pid}); ${run.readers} readers over ${run.connections} connections for ${run.seconds} s, ${run.postsPerSecond} posts/s`);

  const relayCpuAtStart = readProcStat(relay.pid)!.cpuSeconds;
  const originRequestsAtStart = originFeedRequests;
  const startedAt = Date.now();
  const readersChild = spawn(process.execPath, ['--import', 'tsx', readersScript, feedUrl, String(run.readers), String(run.seconds), String(run.connections), String(run.watchers)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const readersDone = stopOnCleanup(readersChild, cleanup);
  let readersOutput = '';
  readersChild.stdout.on('data', (chunk: Buffer) => (readersOutput += chunk.toString()));

  // The poster: one post every 1/rate s (questions and comments in turn), each timed from when it was sent.
  const postedAt = new Map<number, number>();
  /** When each post's answer came back (it is in the catalog from then on), and how long the API took. */
  const committedAt = new Map<number, number>();
  const postSeconds: number[] = [];
  let postErrors = 0;
  const posts: Array<Promise<void>> = [];
  const loads: number[] = [];
  const postEveryMs = 1000 / run.postsPerSecond;
  for (let n = 0; Date.now() < startedAt + (run.seconds - 3) * 1000; n++) {
    const due = startedAt + n * postEveryMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (n % run.postsPerSecond === 0) loads.push(loadavg()[0]!);
    const sentAt = Date.now();
    posts.push(
      fetch(`${originUrl}/api/v1/lessons/${lessonId}/qa/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ kind: n % 2 === 0 ? 'question' : 'comment', text: `bench post ${n}: 为什么天空是蓝色的？` }),
      }).then(
        async (response) => {
          if (response.status !== 201) return void postErrors++;
          const id = ((await response.json()) as { id: number }).id;
          const answeredAt = Date.now();
          postedAt.set(id, sentAt);
          committedAt.set(id, answeredAt);
          postSeconds.push((answeredAt - sentAt) / 1000);
        },
        () => void postErrors++,
      ),
    );
  }
  await Promise.all(posts);
  await readersDone;
  const elapsed = (Date.now() - startedAt) / 1000;
  const relayCpuSeconds = readProcStat(relay.pid)!.cpuSeconds - relayCpuAtStart;
  const originRequests = originFeedRequests - originRequestsAtStart;
  const readers = JSON.parse(readersOutput.trim().split('\n').at(-1)!) as { requests: number; ok: number; errors: number; bytes: number; statuses: Record<string, number>; seen: Array<Record<string, number>> };
  const relayStats = await fetchRelayStats(relay.baseUrl);

  const delays: number[] = [];
  const fromCommit: number[] = [];
  let unseen = 0;
  for (const watcher of readers.seen) {
    for (const [id, sent] of postedAt) {
      const at = watcher[String(id)];
      if (at === undefined) unseen++;
      else {
        delays.push((at - sent) / 1000);
        fromCommit.push(Math.max(0, at - committedAt.get(id)!) / 1000);
      }
    }
  }
  const figures = {
    readers: run.readers,
    connections: run.connections,
    seconds: elapsed,
    feedReadsPerSecond: readers.ok / elapsed,
    readErrors: readers.errors,
    statuses: readers.statuses,
    feedMBPerSecond: readers.bytes / elapsed / 1e6,
    posts: postedAt.size,
    postErrors,
    originFeedRequestsPerSecond: originRequests / elapsed,
    visibleP50Seconds: percentile(delays, 50),
    visibleP95Seconds: percentile(delays, 95),
    visibleMaxSeconds: percentile(delays, 100),
    postApiP50Seconds: percentile(postSeconds, 50),
    postApiP95Seconds: percentile(postSeconds, 95),
    committedToVisibleP50Seconds: percentile(fromCommit, 50),
    committedToVisibleP95Seconds: percentile(fromCommit, 95),
    unseenPostWatcherPairs: unseen,
    relayCpuPercent: (relayCpuSeconds / elapsed) * 100,
    relayHits: relayStats.hits,
    relayMisses: relayStats.misses,
    loadAverageDuring: loads.length > 0 ? loads.reduce((a, b) => a + b, 0) / loads.length : loadavg()[0]!,
  };
  process.stdout.write(
    `\n${textTable(
      ['readers', 'feed reads/s', 'origin feed req/s', 'posts', 'visible p50 / p95', 'POST p50 / p95', 'stored to visible p50 / p95', 'relay CPU', 'load avg'],
      [[String(run.readers), figures.feedReadsPerSecond.toFixed(0), figures.originFeedRequestsPerSecond.toFixed(2), String(figures.posts), pair(figures.visibleP50Seconds, figures.visibleP95Seconds), pair(figures.postApiP50Seconds, figures.postApiP95Seconds), pair(figures.committedToVisibleP50Seconds, figures.committedToVisibleP95Seconds), `${figures.relayCpuPercent.toFixed(0)} %`, figures.loadAverageDuring.toFixed(2)]],
    )}\n${loadAverageAtEnd()}\n${figuresJson({ machine, run, ...figures }, 3)}\n`,
  );
}

function pair(p50: number, p95: number): string {
  return `${p50.toFixed(2)} / ${p95.toFixed(2)} s`;
}

/** A live lesson of a school, and a student's session to post with. */
async function seedLesson(db: Awaited<ReturnType<typeof openDatabase>>): Promise<string> {
  const province = (await db.query<{ id: number }>("insert into provinces (name) values ('Bench province') returning id"))[0]!.id;
  const city = (await db.query<{ id: number }>("insert into cities (province_id, name) values ($1, 'Bench city') returning id", [province]))[0]!.id;
  const school = (await db.query<{ id: number }>("insert into schools (city_id, name) values ($1, 'Bench school') returning id", [city]))[0]!.id;
  await db.query("insert into classrooms (id, school_id, name, primary_key) values ('bench-room', $1, 'Bench room', $2)", [school, randomBytes(16).toString('hex')]);
  await db.query(
    `insert into lessons (id, classroom_id, title, starts_at, ends_at, state, went_live_at, visibility)
     values ($1, 'bench-room', 'Bench lesson', now() - interval '1 minute', now() + interval '2 hours', 'live', now(), 'public')`,
    [lessonId],
  );
  const account = await createAccount(db, { username: 'bench-student', password: 'a long bench password', displayName: '学生', role: 'student', schoolId: school });
  return (await createSession(db, account.id, 2)).token;
}
