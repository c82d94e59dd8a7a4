// The Debian packages the tests drive for real, and the file by which each is known to be installed:
// one list for `npm test`, which only checks it, and for `npm run test:tools`, which installs what
// is missing (the README's first lines, .ci/run). No test is skipped for a missing tool.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromiumPath } from '../../test/helpers/browser.ts';
import { findPostgresBinDir } from '../cluster/throwaway-postgres.ts';

export type TestTool = {
  /** The Debian package that provides it. */
  debianPackage: string;
  /** The file looked for (again after installing). */
  file: () => string;
  /** false: the tests run without it (a fallback exists) but CI installs it all the same. */
  neededByTests: boolean;
};

function onPath(command: string): string {
  const found = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command)).find((file) => existsSync(file));
  return found ?? `${command} (on PATH)`;
}

/** Debian's initdb, whichever PostgreSQL version is installed: the catalog tests start their own cluster with it. */
export function postgresInitdb(): string {
  const dir = findPostgresBinDir();
  return dir ? join(dir, 'initdb') : '/usr/lib/postgresql/*/bin/initdb';
}

export const testTools: TestTool[] = [
  { debianPackage: 'chromium', file: () => chromiumPath, neededByTests: true },
  // nginx lives in /usr/sbin, which is not on a normal user's PATH (test/e2e/nginx-relay.test.ts).
  { debianPackage: 'nginx-light', file: () => process.env.NGINX_PATH ?? '/usr/sbin/nginx', neededByTests: true },
  // The catalog tests start a throwaway PostgreSQL cluster with Debian's binaries (any major version).
  { debianPackage: 'postgresql', file: postgresInitdb, neededByTests: true },
  // promtool, which checks deploy/prometheus/ (test/e2e/deploy-files.test.ts).
  { debianPackage: 'prometheus', file: () => process.env.PROMTOOL_PATH ?? '/usr/bin/promtool', neededByTests: true },
  // systemd-analyze, which verifies deploy/systemd/ (test/e2e/deploy-manifests.test.ts).
  { debianPackage: 'systemd', file: () => '/usr/bin/systemd-analyze', neededByTests: true },
  // turnserver and turnutils_uclient, which check the raised-hand TURN credentials against deploy/coturn/ (test/e2e/coturn-credentials.test.ts).
  { debianPackage: 'coturn', file: () => '/usr/bin/turnserver', neededByTests: true },
  // The system's ffmpeg and ffprobe; without them the static build in @ffmpeg-installer/ffmpeg is used.
  { debianPackage: 'ffmpeg', file: () => onPath('ffmpeg'), neededByTests: false },
  { debianPackage: 'ffmpeg', file: () => onPath('ffprobe'), neededByTests: false },
  // The font the demo encoder draws its title with; without it the title is left out.
  { debianPackage: 'fonts-dejavu-core', file: () => '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', neededByTests: false },
];

/** The tools whose file is not there, from those given. */
export function missingTools(tools: readonly TestTool[]): TestTool[] {
  return tools.filter((tool) => !existsSync(tool.file()));
}

/** Each package once, in list order. */
export function packagesOf(tools: readonly TestTool[]): string[] {
  return [...new Set(tools.map((tool) => tool.debianPackage))];
}
