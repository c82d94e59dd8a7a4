// `npm test`: checks that what the tests drive is here (Chromium, nginx, PostgreSQL, promtool,
// systemd-analyze, coturn: test-tools.ts) and stops in one line saying how to install what is not
// (`npm run test:tools`), type-checks, builds the player, then runs every test with node's test
// runner. It installs nothing itself. No test is skipped for a missing tool.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { buildPlayer } from '../../player/build.ts';
import { chromiumPath } from '../../test/helpers/browser.ts';
import { missingTools, packagesOf, postgresInitdb, testTools } from './test-tools.ts';

const root = new URL('../../', import.meta.url).pathname;

function step(title: string): void {
  process.stdout.write(`\n== ${title}\n`);
}

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  return result.status ?? 1;
}

/** Stops with one line naming what is missing and the command that installs it. */
function checkTestTools(): void {
  const missing = missingTools(testTools.filter((tool) => tool.neededByTests));
  if (missing.length === 0) return;
  const packages = packagesOf(missing).join(' ');
  throw new Error(`missing ${missing.map((tool) => tool.file()).join(', ')}; \`npm run test:tools\` installs what is missing (apt-get install -y ${packages}), then run the tests again`);
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

/** Test files a branch left in a folder the runner no longer reads (test/catalog, player/test...): never run silently. */
function strayTestFiles(): string[] {
  return ['test', 'player/src', 'player/test'].flatMap(testFiles).filter((file) => !testFolders.some((folder) => file.startsWith(`${folder}/`)));
}

const args = process.argv.slice(2);
const strays = strayTestFiles();
if (strays.length > 0) {
  process.stderr.write(`npm test: test files outside ${testFolders.join(' and ')}, which would not run: ${strays.join(', ')}; move each into test/unit (pure, in process) or test/e2e\n`);
  process.exit(1);
}
if (args[0] === '--list') {
  // `npm test -- --list`: the files a run would take, in order, and nothing else.
  const files = testFolders.flatMap(testFiles);
  process.stdout.write(`${files.join('\n')}\n${files.length} test files\n`);
  process.exit(0);
}

try {
  step('checking tools');
  checkTestTools();
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
