// The dependency rule between tiers (docs/architecture.md, "Ports between tiers"): the media path
// (services/ingest, services/transcode, services/packager) never imports the catalog; it asks it
// through the ingest's own port (services/ingest/catalog-port.ts), which the catalog implements.
// And the transcoder never reaches up into the ingest: it announces its progress as events.
// Reads every import line (static, dynamic and re-exports) of every file under those folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module a file's text names in `import ... from`, `export ... from`, `import '...'` or `import('...')`, resolved against the repository. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3]!,
  );
  return specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => relative(root, resolve(dirname(file), specifier)));
}

function violations(folders: string[], forbidden: string): string[] {
  return folders.flatMap((folder) =>
    sourceFiles(join(root, folder)).flatMap((file) =>
      importsOf(file)
        .filter((target) => target === forbidden || target.startsWith(`${forbidden}/`))
        .map((target) => `${relative(root, file)} imports ${target}`),
    ),
  );
}

test('the import reader sees static, type-only, multi-line, re-exported and dynamic imports', () => {
  const sample = join(root, 'services', 'ingest', 'x.ts');
  const text = [
    "import { a } from '../catalog/db/database.ts';",
    "import type { B } from '../catalog/ingest/key-directory.ts';",
    'import {',
    '  c,',
    "} from '../core/log.ts';",
    "export { d } from '../catalog/queries/lessons.ts';",
    "import '../catalog/side-effect.ts';",
    "const e = await import('../catalog/jobs/job-queue.ts');",
    "import { f } from 'prom-client';",
  ].join('\n');
  const found = importsOf(sample, text);
  assert.deepEqual(found, [
    'services/catalog/db/database.ts',
    'services/catalog/ingest/key-directory.ts',
    'services/core/log.ts',
    'services/catalog/queries/lessons.ts',
    'services/catalog/side-effect.ts',
    'services/catalog/jobs/job-queue.ts',
  ]);
});

test('nothing under services/ingest, services/transcode or services/packager imports services/catalog', () => {
  assert.deepEqual(violations(['services/ingest', 'services/transcode', 'services/packager'], 'services/catalog'), []);
});

test('nothing under services/transcode or services/packager imports services/ingest', () => {
  assert.deepEqual(violations(['services/transcode', 'services/packager'], 'services/ingest'), []);
});
