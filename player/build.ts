// Builds the browser side into player/dist, which the server serves at /assets: one script per page
// (bundled by esbuild; the preact pages share their common code as chunks), the styles, video.js's
// skin and hls.js's worker. Beside them, module-preloads.json: the chunks each page's script imports,
// which the server names in the page so the browser fetches them with the script, not after it.
// Run it with `npm run build` (node --import tsx player/build.ts); the server also calls buildPlayer()
// when it starts and finds no build.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { createLogger } from '../services/core/log.ts';
import { pageBundles } from './page-bundles.ts';
import { modulePreloadsFile, type ModulePreloads } from './module-preloads.ts';

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
  const { metafile } = await build({
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
    metafile: true,
  });
  await writeFile(`${distDir}/${modulePreloadsFile}`, `${JSON.stringify(modulePreloadsOf(metafile))}\n`);
  await Promise.all(copiedFiles.map(([from, name]) => copyFile(from, `${distDir}/${name}`)));
  createLogger({ role: 'build' }).info('player built', { dir: distDir, ms: Math.round(performance.now() - started) });
}

/**
 * Each bundle's chunks (paths under dist): those its script imports, directly or through another
 * chunk (`static`), and those it may import later (`dynamic`, with what they import in turn).
 */
function modulePreloadsOf(metafile: Metafile): ModulePreloads {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [relative(distDir, resolve(path)), output]));
  const follow = (start: string[], kinds: ReadonlyArray<string>, seen = new Set<string>()): string[] => {
    const queue = [...start];
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const imported of outputs.get(file)?.imports ?? []) {
        const path = relative(distDir, resolve(imported.path));
        if (imported.external || !kinds.includes(imported.kind) || seen.has(path)) continue;
        seen.add(path);
        queue.push(path);
      }
    }
    return [...seen];
  };
  const preloads: ModulePreloads = {};
  for (const name of Object.keys(pageBundles)) {
    const ownStatic = follow([`${name}.js`], ['import-statement']);
    const dynamicRoots = follow([`${name}.js`, ...ownStatic], ['dynamic-import'], new Set()).filter((path) => !ownStatic.includes(path));
    const dynamic = [...new Set([...dynamicRoots, ...follow(dynamicRoots, ['import-statement'], new Set(ownStatic))])].filter((path) => !ownStatic.includes(path));
    preloads[name] = { static: ownStatic, dynamic };
  }
  return preloads;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildPlayer();
}
