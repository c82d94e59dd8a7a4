// A province as separate processes (scripts/cluster: PostgreSQL, catalog, two ingest nodes, the
// origin relay over both, two city relays, a school relay), driven as people would: a real ffmpeg
// encoder pushes where the catalog's assignment API says, Chromium watches from the catalog's pages,
// and nodes are killed outright (SIGKILL) under it: a city relay while a viewer plays from it, then
// the ingest node carrying the lesson. Finally the cluster stops with no process left.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { askAssignment, startAssignedEncoder, type AssignedEncoder } from '../../scripts/cluster/assigned-encoder.ts';
import { startCluster, type Cluster } from '../../scripts/cluster/start-cluster.ts';
import { nodeIds, type NodeId } from '../../scripts/cluster/topology.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fetchPlaylist } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, snapshot, waitForPlayback } from '../helpers/watch-page.ts';

type RelayHealth = { role: string; stats: { requests: number; bytesToViewers: number } };
type IngestLessons = { lessons: Array<{ id: string; classroomId: string; state: string }> };

// The contract's defaults (ingest.heartbeatSeconds 2, ingest.nodeDownSeconds 6), with room for a busy machine.
const reassignBoundMs = 20_000;

describe('a province as separate processes', () => {
  let cluster: Cluster;
  let browser: Browser;
  let encoder: AssignedEncoder | undefined;
  const pages: Page[] = [];
  let lessonId = '';
  let carrying: 'ingest-1' | 'ingest-2';
  const killed = new Set<NodeId>();
  let stoppedCleanly = false;
  const kill = async (id: NodeId) => {
    killed.add(id);
    await cluster.process(id).kill();
  };

  const url = (id: NodeId) => cluster.topology.node(id).httpUrl;
  const json = async <T>(target: string): Promise<T> => {
    const response = await fetch(target, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${target}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  const relayStats = async (id: NodeId) => (await json<RelayHealth>(`${url(id)}/healthz`)).stats;
  const liveLessons = async (id: 'ingest-1' | 'ingest-2') => (await json<IngestLessons>(`${url(id)}/api/v1/ingest/lessons?state=live`)).lessons;
  const otherIngest = (id: 'ingest-1' | 'ingest-2') => (id === 'ingest-1' ? 'ingest-2' : 'ingest-1');

  /** A watch page from the catalog; with `relays`, its relay list is replaced by those (a page served to another audience). */
  const openLesson = async (relays?: NodeId[]): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 960, height: 600 } });
    pages.push(page);
    page.on('pageerror', (error) => process.stderr.write(`[watch page error] ${error.message}\n`));
    // Every media request stays countable: the default buffer of 250 entries fills within a minute.
    await page.addInitScript(() => performance.setResourceTimingBufferSize(100_000));
    if (relays) await page.addInitScript(replaceRelayList, relays.map(url));
    await page.goto(`${cluster.topology.catalogUrl}/watch/${lessonId}`);
    return page;
  };
  /** Media objects of the lesson the page fetched from `base` since `sinceMs` (page time). */
  const mediaFetchedFrom = (page: Page, base: string, sinceMs: number) =>
    page.evaluate(([prefix, since]) => performance.getEntriesByType('resource').filter((entry) => entry.name.startsWith(prefix) && entry.startTime >= since).length, [`${base}/live/${lessonId}/`, sinceMs] as const);
  const pageNow = (page: Page) => page.evaluate(() => performance.now());

  before(async () => {
    cluster = await startCluster({
      // One small rendition keeps two ingest nodes, four relays and Chromium within a shared machine.
      ingestOverrides: { transcode: { maxRenditions: 1, preset: 'ultrafast', audioBitrateKbps: 64 } },
    });
    browser = await launchChromium();
  });
  after(async () => {
    for (const page of pages) await page.close().catch(() => {});
    await browser?.close();
    await encoder?.stop();
    await cluster?.stop();
    // The nodes' configs and logs are what explains a failure; a clean run leaves nothing.
    if (!cluster) return;
    if (stoppedCleanly) await rm(cluster.topology.dir, { recursive: true, force: true });
    else process.stderr.write(`cluster folder (configs, logs) kept: ${cluster.topology.dir}\n`);
  });

  it('starts every node as its own process, each answering /healthz as its role', async () => {
    const roles: Record<NodeId, string> = { catalog: 'catalog', 'ingest-1': 'ingest', 'ingest-2': 'ingest', origin: 'relay', 'city-1': 'relay', 'city-2': 'relay', school: 'relay' };
    const pids = new Set<number>();
    for (const id of nodeIds) {
      const health = await json<{ role: string; node: string }>(`${url(id)}/healthz`);
      assert.equal(health.role, roles[id], id);
      assert.equal(health.node, id);
      pids.add(cluster.process(id).pid);
    }
    assert.equal(pids.size, nodeIds.length, 'one process per node');
  });

  it('pushes to the ingest node the assignment API names, and the lesson plays through the school relay', async (t: TestContext) => {
    const { key } = cluster.topology.classroom;
    const assignment = await askAssignment(cluster.topology.catalogUrl, key);
    assert.ok(assignment.node === 'ingest-1' || assignment.node === 'ingest-2', `assigned to ${assignment.node}`);
    carrying = assignment.node;
    assert.equal(assignment.classroomId, cluster.topology.classroom.id);
    assert.equal(assignment.rtmpUrl, cluster.topology.node(carrying).rtmpUrl);
    assert.equal(assignment.pushUrl, `${assignment.rtmpUrl}/${key}`);

    encoder = startAssignedEncoder({
      catalogUrl: cluster.topology.catalogUrl,
      streamKey: key,
      ffmpegPath: findMediaTool('ffmpeg', process.env.FFMPEG_PATH),
      width: 640,
      height: 360,
      fps: 25,
      audio: true,
      videoKbps: 800,
    });
    const live = await waitFor(`a live lesson on ${carrying}`, async () => (await liveLessons(carrying))[0], 30_000);
    lessonId = live.id;
    assert.equal(live.classroomId, cluster.topology.classroom.id);
    assert.equal(encoder.pushes[0]?.node, carrying);
    t.diagnostic(`the encoder pushes to ${carrying} (${assignment.pushUrl.replace(key, '<key>')})`);
    assert.deepEqual(await liveLessons(otherIngest(carrying)), [], 'the other ingest node carries nothing');

    const before = await relayStats('school');
    const page = await openLesson();
    const playing = await waitForPlayback(page, 5, 60_000);
    t.diagnostic(`playing through the school relay at ${playing.currentTime.toFixed(1)} s`);
    const afterPlay = await relayStats('school');
    assert.ok(await mediaFetchedFrom(page, url('school'), 0) > 3, 'the player fetched the lesson from the school relay');
    assert.ok(afterPlay.requests - before.requests > 3, `school relay requests ${before.requests} -> ${afterPlay.requests}`);
    assert.ok(afterPlay.bytesToViewers - before.bytesToViewers > 100_000, `school relay bytes to viewers ${before.bytesToViewers} -> ${afterPlay.bytesToViewers}`);
    await page.close();
  });

  it('keeps a viewer of [city-1, city-2] playing from city-2 when city-1 is killed', async (t: TestContext) => {
    const page = await openLesson(['city-1', 'city-2']);
    await waitForPlayback(page, 4, 60_000);
    assert.ok(await mediaFetchedFrom(page, url('city-1'), 0) > 3, 'the player started on city-1, the first of its list');
    assert.equal(await mediaFetchedFrom(page, url('city-2'), 0), 0, 'and fetched nothing from city-2 while city-1 answered');

    const atKill = await snapshot(page);
    const killedAt = await pageNow(page);
    await kill('city-1');
    const wallKilledAt = Date.now();
    const past = 12;
    const later = await waitFor(`currentTime to pass ${atKill.currentTime.toFixed(1)} + ${past} s after city-1 died`, async () => {
      const state = await snapshot(page);
      return state.currentTime >= atKill.currentTime + past ? state : undefined;
    }, 60_000, 500);
    t.diagnostic(`played ${(later.currentTime - atKill.currentTime).toFixed(1)} s of lesson in ${((Date.now() - wallKilledAt) / 1000).toFixed(1)} s after city-1 was killed`);
    const fromCity2 = await mediaFetchedFrom(page, url('city-2'), killedAt);
    assert.ok(fromCity2 > 3, `city-2 served the lesson after the kill (${fromCity2} objects)`);
    assert.ok((await relayStats('city-2')).bytesToViewers > 0);
    await page.close();
  });

  it('moves the classroom to the other ingest node when its node is killed, and the lesson plays again through the school relay', async (t: TestContext) => {
    const master = await fetchPlaylist(`${url('school')}/live/${lessonId}/master.m3u8`);
    const rendition = master.playlists?.[0]?.uri;
    assert.ok(rendition, 'the master playlist names a rendition');
    const playlistUrl = new URL(rendition, `${url('school')}/live/${lessonId}/master.m3u8`).href;
    const sequenceBefore = (await fetchPlaylist(playlistUrl)).mediaSequence ?? 0;
    carrying = encoder!.pushes.at(-1)!.node as typeof carrying;
    const target = otherIngest(carrying);

    const killedAt = Date.now();
    await kill(carrying);
    const reassigned = await waitFor(`the assignment API to name ${target}`, async () => {
      const assignment = await askAssignment(cluster.topology.catalogUrl, cluster.topology.classroom.key).catch(() => undefined);
      return assignment?.node === target ? assignment : undefined;
    }, reassignBoundMs + 10_000, 250);
    const reassignMs = Date.now() - killedAt;
    t.diagnostic(`the assignment API named ${target} ${(reassignMs / 1000).toFixed(1)} s after ${carrying} was killed`);
    assert.ok(reassignMs <= reassignBoundMs, `reassigned in ${reassignMs} ms (bound ${reassignBoundMs} ms)`);
    assert.equal(reassigned.rtmpUrl, cluster.topology.node(target).rtmpUrl);

    // The encoder lost its connection, asked again and now pushes to the other node, which continues the same lesson.
    await waitFor(`the encoder to push to ${target}`, () => encoder!.pushes.at(-1)?.node === target, 30_000);
    t.diagnostic(`pushes: ${encoder!.pushes.map((push) => `${push.node}${push.endedAt ? ` (ended after ${((push.endedAt - push.startedAt) / 1000).toFixed(1)} s)` : ' (on)'}`).join(', ')}`);
    await waitFor(`${target} to carry lesson ${lessonId}`, async () => (await liveLessons(target)).some((lesson) => lesson.id === lessonId), 30_000);
    const sequenceAfter = await waitFor('the lesson playlist through the school relay to move on', async () => {
      const sequence = (await fetchPlaylist(playlistUrl)).mediaSequence ?? 0;
      return sequence > sequenceBefore ? sequence : undefined;
    }, 30_000, 500);
    t.diagnostic(`media sequence through the school relay ${sequenceBefore} -> ${sequenceAfter}; lesson back ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);

    const before = await relayStats('school');
    const page = await openLesson();
    await waitForPlayback(page, 5, 60_000);
    const afterPlay = await relayStats('school');
    assert.ok(afterPlay.bytesToViewers - before.bytesToViewers > 100_000, `school relay bytes to viewers ${before.bytesToViewers} -> ${afterPlay.bytesToViewers}`);
    await page.close();
  });

  it('stops cleanly, nodes in reverse order and PostgreSQL last, leaving no process behind', async () => {
    const databaseUrl = cluster.topology.node('catalog').config.databaseUrl!;
    await encoder?.stop();
    const running = nodeIds.filter((id) => cluster.process(id).running());
    assert.deepEqual(running, nodeIds.filter((id) => !killed.has(id)), 'the killed nodes are gone, the others still run');
    await cluster.stop();
    for (const id of nodeIds) {
      const node = cluster.process(id);
      assert.equal(node.running(), false, `${id} (pid ${node.pid}) still runs`);
      assert.equal(node.groupAlive(), false, `a process of ${id}'s group (pid ${node.pid}) is left`);
    }
    assert.ok(encoder!.pushes.every((push) => push.endedAt !== undefined), 'every ffmpeg push has ended');
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
    await assert.rejects(client.connect(), 'PostgreSQL is stopped');
    await client.end().catch(() => {});
    stoppedCleanly = true;
  });
});

/**
 * Runs in the page before its scripts: gives the player `bases` as its relay list (the first as its
 * media base, with its tracker) by rewriting the page's meta tags as the parser adds them. The page
 * still comes from the catalog over the network (a page served by request interception would lose
 * its loopback address, and Chromium would then refuse its requests to the relays).
 */
function replaceRelayList(bases: string[]): void {
  const relays = bases.map((media) => ({ media, tracker: `${media.replace(/^http/, 'ws')}/tracker` }));
  const contents: Record<string, string> = {
    'classcast-relays': JSON.stringify(relays),
    'classcast-media-base': relays[0]!.media,
    'classcast-tracker': relays[0]!.tracker,
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (!(node instanceof HTMLMetaElement)) continue;
        const content = contents[node.name];
        if (content !== undefined) node.content = content;
      }
    }
  }).observe(document, { childList: true, subtree: true });
}
