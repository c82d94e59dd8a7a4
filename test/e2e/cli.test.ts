// The `classcast` command as a person runs it: `all` starts the platform with the demo encoder and
// prints the URL to open; bad configuration and busy ports stop start-up with a clear message.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../helpers/browser.ts';
import { fetchPlaylist } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, waitForPlayback } from '../helpers/watch-page.ts';

const bin = new URL('../../bin/classcast.js', import.meta.url).pathname;

function runToEnd(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('node', [bin, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('classcast all', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'classcast-cli-'));
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts ingest, pages and the demo encoder, prints the URL, plays, and stops cleanly on SIGINT', async () => {
    child = spawn('node', [bin, 'all', '--http-port', '0', '--rtmp-port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await waitFor('the URL to open', () => /Open (http:\/\/localhost:\d+\/) in a browser/.exec(stdout)?.[1], 30_000).catch((error) => {
      throw new Error(`${(error as Error).message}\nstdout: ${stdout}\nstderr: ${stderr.slice(-2000)}`);
    });
    const base = url.replace('localhost', '127.0.0.1').replace(/\/$/, '');
    const lesson = await waitFor('the demo lesson to be live', async () => {
      const { lessons } = (await (await fetch(`${base}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string; classroomId: string; watchUrl: string }> };
      return lessons.find((entry) => entry.classroomId === 'demo-classroom');
    }, 30_000);
    // The catalog, served by the same process, has it live too, as an ad-hoc lesson of the demo school.
    const inCatalog = await waitFor('the demo lesson live in the catalog', async () => {
      const { items } = (await (await fetch(`${base}/api/v1/lessons?state=live`)).json()) as { items: Array<{ id: string; adHoc: boolean; schoolName: string; cityName: string }> };
      return items.find((entry) => entry.id === lesson.id);
    }, 10_000);
    assert.deepEqual([inCatalog.adHoc, inCatalog.schoolName, inCatalog.cityName], [true, '示范学校', '示范市'], 'the demo is Chinese, as the platform is by default');
    assert.match(stderr, /"event":"setup token".*\/setup\?token=/, 'a first start logs the setup URL');
    const master = await waitFor('the demo master playlist', () => fetchPlaylist(`${base}/live/${lesson.id}/master.m3u8`).catch(() => undefined), 30_000);
    assert.equal(master.playlists?.length, 3);
    const home = await fetch(`${base}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /Classcast/);
    const health = (await (await fetch(`${base}/healthz`)).json()) as { status: string; liveLessons: number };
    assert.equal(health.status, 'ok');
    assert.equal(health.liveLessons, 1);

    const browser = await launchChromium();
    try {
      const list = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await list.goto(`${base}/`);
      await list.locator(`a[href="${lesson.watchUrl}"]`).first().waitFor({ timeout: 15_000 });
      await list.screenshot({ path: join(process.env.CLASSCAST_SCREENSHOTS ?? '/tmp', 'classcast-index.png') });
      const page = await openWatchPage(browser, `${base}${lesson.watchUrl}`);
      await waitForPlayback(page, 3);
      // The watch page plays through the city relay that `all` runs beside the province.
      const relayUrl = /relay\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
      assert.ok(relayUrl, `relay URL in: ${stdout}`);
      const relayHealth = (await (await fetch(`${relayUrl}/healthz`)).json()) as { stats: { requests: number; bytesToViewers: number } };
      assert.ok(relayHealth.stats.requests > 5 && relayHealth.stats.bytesToViewers > 100_000, JSON.stringify(relayHealth.stats));
    } finally {
      await browser.close();
    }

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child!.on('exit', (exitCode) => resolve(exitCode)));
    assert.equal(code, 0, `exit code; stderr: ${stderr.slice(-1000)}`);
    const left = await fetchPlaylistFromDisk(dataDir, lesson.id);
    assert.doesNotMatch(left, /#EXT-X-ENDLIST/, 'a clean stop leaves the lesson live for the next start to continue, as a crash would');
  });
});

async function fetchPlaylistFromDisk(dataDir: string, lessonId: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(join(dataDir, 'live', lessonId, '720p', 'index.m3u8'), 'utf8');
}

describe('classcast catalog', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'classcast-cli-catalog-'));
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the catalog API and the pages without ingest, and stops cleanly on SIGINT', async () => {
    child = spawn('node', [bin, 'catalog', '--http-port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const base = await waitFor('the catalog URL', () => /http\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1], 30_000).catch((error) => {
      throw new Error(`${(error as Error).message}\nstdout: ${stdout}\nstderr: ${stderr.slice(-2000)}`);
    });
    const health = (await (await fetch(`${base}/healthz`)).json()) as { role: string };
    assert.equal(health.role, 'catalog');
    const cities = await fetch(`${base}/api/v1/cities`);
    assert.equal(cities.status, 200);
    assert.equal(((await cities.json()) as { items: unknown[] }).items.length, 0, 'no demo school: the catalog role starts no demo');
    assert.equal((await fetch(`${base}/`)).status, 200);
    assert.equal((await fetch(`${base}/api/v1/ingest/lessons`)).status, 404, 'no ingest in this role');
    assert.match(stderr, /"event":"setup token"/);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child!.on('exit', (exitCode) => resolve(exitCode)));
    assert.equal(code, 0, `exit code; stderr: ${stderr.slice(-1000)}`);
  });
});

describe('classcast start-up errors', () => {
  it('names the bad option and exits with status 2', () => {
    const result = runToEnd(['ingest', '--http-port', 'eighty', '--no-demo']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /http\.port.*"eighty"/);
    const env = runToEnd(['all', '--classroom', 'Bad Room:abcdefghij0123456789']);
    assert.equal(env.status, 2);
    assert.match(env.stderr, /classrooms\.0\.id/);
  });

  it('says which port is busy instead of exiting from inside node-media-server', async () => {
    const http = await busyPort();
    const rtmp = await busyPort();
    try {
      const httpClash = runToEnd(['ingest', '--http-port', String(http.port), '--rtmp-port', '0', '--data-dir', join(tmpdir(), 'classcast-clash')]);
      assert.equal(httpClash.status, 1);
      assert.match(httpClash.stderr, new RegExp(`http\\.port: port ${http.port} .*already in use`));
      const rtmpClash = runToEnd(['ingest', '--http-port', '0', '--rtmp-port', String(rtmp.port), '--data-dir', join(tmpdir(), 'classcast-clash')]);
      assert.equal(rtmpClash.status, 1);
      assert.match(rtmpClash.stderr, new RegExp(`rtmp\\.port: port ${rtmp.port} .*already in use`));
    } finally {
      http.server.close();
      rtmp.server.close();
    }
  });

  it('explains roles that are not roles of their own and unknown roles', () => {
    const tracker = runToEnd(['tracker']);
    assert.notEqual(tracker.status, 0);
    assert.match(tracker.stderr, /runs at \/tracker inside every relay and the origin/);
    const relay = runToEnd(['relay', '--http-port', '0']);
    assert.notEqual(relay.status, 0);
    assert.match(relay.stderr, /relay\.upstreams: a relay needs at least one upstream/);
    const unknown = runToEnd(['streamer']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown role 'streamer'/);
    const help = runToEnd(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--classroom ID:KEY/);
  });
});
