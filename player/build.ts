// Builds the browser side into player/dist, which the server serves at /assets: one script per page
// (bundled by esbuild; the preact pages share their common code as chunks), the styles, video.js's
// skin and hls.js's worker.
// Run it with `npm run build` (node --import tsx player/build.ts); the server also calls buildPlayer()
// when it starts and finds no build.
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createLogger } from '../services/core/log.ts';
import { pageBundles } from './page-bundles.ts';

const playerDir = fileURLToPath(new URL('./', import.meta.url));
const distDir = `${playerDir}dist`;
const require = createRequire(import.meta.url);

/** Files copied as they are into dist: source path, name in dist. */
const copiedFiles: Array<[string, string]> = [
  [require.resolve('video.js/dist/video-js.min.css'), 'video-js.min.css'],
  // The ES module build of hls.js runs its worker from this file (latency-profile.ts: workerPath).
  [require.resolve('hls.js/dist/hls.worker.js'), 'hls.worker.js'],
  [`${playerDir}src/site.css`, 'site.css'],
  [`${playerDir}src/watch.css`, 'watch.css'],
];

export async function buildPlayer(): Promise<void> {
  const started = performance.now();
  await mkdir(distDir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(pageBundles).map(([name, file]) => [name, `${playerDir}src/${file}`])),
    outdir: distDir,
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // p2p-media-loader-core's self-contained browser build (bittorrent-tracker's client with its
    // Node polyfills bundled), which the package offers under this export condition.
    conditions: ['p2pml:core-as-bundle'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // Browsers from 2021 on. Safari 14.0 is left out: esbuild cannot work around its destructuring bug.
    target: ['es2020', 'chrome87', 'edge88', 'firefox78', 'safari14.1'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'silent',
  });
  await Promise.all(copiedFiles.map(([from, name]) => copyFile(from, `${distDir}/${name}`)));
  createLogger({ role: 'build' }).info('player built', { dir: distDir, ms: Math.round(performance.now() - started) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildPlayer();
}
