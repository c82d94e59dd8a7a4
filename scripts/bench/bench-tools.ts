// The programs a benchmark drives, looked for before it starts: a missing one is named in one line
// with how to install it, instead of a `spawn wrk ENOENT` stack trace minutes into a run.
import { findMediaTool, isExecutable, searchPath } from '../../services/core/ffmpeg-binary.ts';
import { chromiumPath } from '../../test/helpers/browser.ts';

export type BenchTool = 'ffmpeg' | 'chromium' | 'nginx' | 'wrk';

const install: Record<BenchTool, string> = {
  ffmpeg: 'apt-get install ffmpeg (or set FFMPEG_PATH)',
  chromium: 'apt-get install chromium (or set CHROMIUM_PATH)',
  nginx: 'apt-get install nginx-light (or set NGINX_PATH)',
  wrk: 'apt-get install wrk',
};

/** Where a tool is, or undefined. nginx lives in /usr/sbin, which is not on a normal user's PATH. */
export function findBenchTool(tool: BenchTool): string | undefined {
  switch (tool) {
    case 'ffmpeg':
      try {
        return findMediaTool('ffmpeg', process.env.FFMPEG_PATH);
      } catch {
        return undefined;
      }
    case 'chromium':
      return isExecutable(chromiumPath) ? chromiumPath : undefined;
    case 'nginx':
      return [process.env.NGINX_PATH, searchPath('nginx'), '/usr/sbin/nginx'].find((path): path is string => path !== undefined && isExecutable(path));
    case 'wrk':
      return searchPath('wrk');
  }
}

/** One line per missing tool, saying how to install it; empty when all are there. */
export function missingBenchTools(needs: readonly BenchTool[]): string[] {
  return needs.filter((tool) => findBenchTool(tool) === undefined).map((tool) => `${tool} not found: ${install[tool]}`);
}

/** The tool's path; throws the one-line message when it is missing (benchmarks check all first, in runBench). */
export function benchTool(tool: BenchTool): string {
  const path = findBenchTool(tool);
  if (!path) throw new Error(`${tool} not found: ${install[tool]}`);
  return path;
}
