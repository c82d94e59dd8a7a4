// `npm run test:tools`: installs with apt-get the Debian packages the tests drive (test-tools.ts) that
// are missing, through sudo when not run as root, so `npm test` finds them. The README's first lines
// and .ci/run call it; `npm test` itself installs nothing.
import { spawnSync } from 'node:child_process';
import { missingTools, packagesOf, testTools } from './test-tools.ts';

function aptGet(args: string[]): number {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const asRoot = process.getuid?.() === 0;
  // sudo resets the environment: env sets DEBIAN_FRONTEND again on the far side.
  const [command, commandArgs] = asRoot ? ['apt-get', args] : ['sudo', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]];
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env });
  if (result.error) throw new Error(`could not run ${command} (${result.error.message}): install ${packagesOf(missingTools(testTools)).join(' ')} with your package manager`);
  return result.status ?? 1;
}

try {
  const packages = packagesOf(missingTools(testTools));
  if (packages.length === 0) {
    process.stdout.write('test tools: all installed\n');
  } else {
    process.stdout.write(`test tools: installing ${packages.join(' ')} (apt-get)\n`);
    if (aptGet(['update', '-qq']) !== 0) throw new Error('apt-get update failed (above)');
    if (aptGet(['install', '-y', '-qq', ...packages]) !== 0) throw new Error(`apt-get could not install ${packages.join(' ')} (above)`);
    const still = missingTools(testTools);
    if (still.length > 0) throw new Error(`still missing after apt-get: ${still.map((tool) => tool.file()).join(', ')}`);
    process.stdout.write('test tools: all installed\n');
  }
} catch (error) {
  process.stderr.write(`npm run test:tools: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
