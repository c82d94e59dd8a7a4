// `npm test`: makes sure what the tests need is here (Chromium, nginx, PostgreSQL, promtool, coturn, ffmpeg),
// type-checks, builds the player, then runs every test with node's test runner. On a fresh Debian
// machine as root it installs Chromium, nginx, PostgreSQL, Prometheus (promtool) and coturn itself;
// otherwise it says how. No test is skipped for a missing tool.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { buildPlayer } from '../../player/build.ts';
import { chromiumPath } from '../../test/helpers/browser.ts';
import { findPostgresBinDir } from '../cluster/throwaway-postgres.ts';

const root = new URL('../../', import.meta.url).pathname;

function step(title: string): void {
  process.stdout.write(`\n== ${title}\n`);
}

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  return result.status ?? 1;
}

/** Debian's initdb, whichever PostgreSQL version is installed: the catalog tests start their own cluster with it. */
function postgresInitdb(): string {
  const dir = findPostgresBinDir();
  return dir ? join(dir, 'initdb') : '/usr/lib/postgresql/*/bin/initdb';
}

/** Debian packages the tests drive for real, and the file each one provides (looked for again after installing). */
const debianTools = [
  { name: 'chromium', path: () => chromiumPath },
  { name: 'nginx-light', path: () => process.env.NGINX_PATH ?? '/usr/sbin/nginx' },
  { name: 'postgresql', path: postgresInitdb },
  // promtool, which checks deploy/prometheus/ (test/e2e/deploy-files.test.ts).
  { name: 'prometheus', path: () => process.env.PROMTOOL_PATH ?? '/usr/bin/promtool' },
  // systemd-analyze, which verifies deploy/systemd/ (test/e2e/deploy-manifests.test.ts).
  { name: 'systemd', path: () => '/usr/bin/systemd-analyze' },
  // turnserver and turnutils_uclient, which check the raised-hand TURN credentials against deploy/coturn/ (test/e2e/coturn-credentials.test.ts).
  { name: 'coturn', path: () => '/usr/bin/turnserver' },
];

function ensureDebianTools(): void {
  const missing = debianTools.filter((tool) => !existsSync(tool.path()));
  if (missing.length === 0) return;
  const names = missing.map((tool) => tool.name).join(' ');
  if (process.getuid?.() !== 0) {
    throw new Error(`missing: ${missing.map((tool) => tool.path()).join(', ')}. Install Debian's ${names} (sudo apt-get install -y ${names}) and run the tests again.`);
  }
  step(`installing Debian ${names} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const status = spawnSync('apt-get', ['install', '-y', '-qq', ...missing.map((tool) => tool.name)], { stdio: 'inherit', env }).status;
  if (status !== 0 || missing.some((tool) => !existsSync(tool.path()))) throw new Error(`apt-get could not install ${names}; install it by hand and run the tests again`);
}

/** Every *.test.ts under dir, in its subfolders too, sorted by path; none when the folder is not there. */
function testFiles(dir: string): string[] {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Tests are sorted by kind, fast ones first: test/unit holds pure logic run in process (PGlite in
 * memory at most); test/e2e everything that starts a process, a server, a PostgreSQL cluster or a browser.
 */
const testFolders = ['test/unit', 'test/e2e'];

const args = process.argv.slice(2);
if (args[0] === '--list') {
  // `npm test -- --list`: the files a run would take, in order, and nothing else.
  const files = testFolders.flatMap(testFiles);
  process.stdout.write(`${files.join('\n')}\n${files.length} test files\n`);
  process.exit(0);
}

try {
  step('checking tools');
  ensureDebianTools();
  process.stdout.write(`chromium: ${chromiumPath}\npostgresql: ${postgresInitdb()}\nffmpeg: ${findMediaTool('ffmpeg', process.env.FFMPEG_PATH)}\nffprobe: ${findMediaTool('ffprobe', process.env.FFMPEG_PATH)}\n`);
  step('type-checking');
  if (run('node', [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.']) !== 0) throw new Error('type errors (above)');
  step('building the player');
  await buildPlayer();
  const files = args.length > 0 ? args : testFolders.flatMap(testFiles);
  step(`running ${files.length} test files`);
  // One file at a time: end-to-end tests run real ffmpeg and Chromium, and two cores are all we have.
  process.exitCode = run('node', ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files]);
} catch (error) {
  process.stderr.write(`\nnpm test: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
