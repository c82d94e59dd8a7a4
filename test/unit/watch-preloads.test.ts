// What the watch page asks for with the page itself (services/web/watch-preloads.ts): the lesson's
// catalog answer always, its master playlist only when the lesson is public and live (a protected
// lesson's master needs a token; a lesson not live has none to fetch), and the bundle's chunks, the
// peer-to-peer one only where the page has a tracker. Pure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modulePreloadsFile } from '../../player/module-preloads.ts';
import { modulePreloadsIn, watchPreloadLinks, withPreloadLinks } from '../../services/web/watch-preloads.ts';

const modules = { watch: { static: ['chunks/chunk-A.js', 'chunks/chunk-B.js'], dynamic: ['chunks/p2p-hls-C.js'] } };
const base = { lessonUrl: '/api/v1/lessons/l1', masterUrl: 'http://relay.example:8081/live/l1/master-timeshift.m3u8', p2p: true };
const masterLink = '<link rel="preload" href="http://relay.example:8081/live/l1/master-timeshift.m3u8" as="fetch" crossorigin="anonymous">';

describe('the watch page preloads', () => {
  it("preloads a public live lesson's master playlist beside its catalog answer", () => {
    const links = watchPreloadLinks({ ...base, lesson: { visibility: 'public', state: 'live' } }, modules);
    assert.deepEqual(links.data, ['<link rel="preload" href="/api/v1/lessons/l1" as="fetch" crossorigin="anonymous">', masterLink]);
  });

  it('does not preload the master of a lesson that needs a token, is not live, or the catalog does not know', () => {
    for (const lesson of [{ visibility: 'school', state: 'live' }, { visibility: 'protected', state: 'live' }, { visibility: 'public', state: 'scheduled' }, { visibility: 'public', state: 'ended' }, null] as const) {
      const links = watchPreloadLinks({ ...base, lesson }, modules);
      assert.equal(links.data.length, 1, JSON.stringify(lesson));
      assert.ok(!links.data.includes(masterLink));
    }
  });

  it("names the bundle's chunks, the peer-to-peer one only with a tracker, and none before a build", () => {
    const lesson = { visibility: 'public', state: 'live' } as const;
    assert.deepEqual(watchPreloadLinks({ ...base, lesson }, modules).chunks, [
      '<link rel="modulepreload" href="/assets/chunks/chunk-A.js">',
      '<link rel="modulepreload" href="/assets/chunks/chunk-B.js">',
      '<link rel="modulepreload" href="/assets/chunks/p2p-hls-C.js">',
    ]);
    assert.equal(watchPreloadLinks({ ...base, lesson, p2p: false }, modules).chunks.length, 2);
    assert.deepEqual(watchPreloadLinks({ ...base, lesson }, null).chunks, []);
  });

  it('puts the fetches before the page script and the chunks after it', () => {
    const html = '<head>\n    <meta name="classcast-relays" content="">\n    <script type="module" src="/assets/watch.js"></script>\n  </head>';
    const filled = withPreloadLinks(html, { data: ['<link rel="preload" href="/x">'], chunks: ['<link rel="modulepreload" href="/assets/chunks/a.js">'] });
    assert.ok(filled.indexOf('href="/x"') < filled.indexOf('classcast-relays'));
    assert.ok(filled.indexOf('watch.js') < filled.indexOf('chunks/a.js'));
    assert.throws(() => withPreloadLinks('<head></head>', { data: [], chunks: [] }), /has no/);
  });

  it('reads the build\'s chunk list again after a rebuild, and none before the first build', () => {
    const dist = mkdtempSync(join(tmpdir(), 'classcast-preloads-'));
    try {
      const preloads = modulePreloadsIn(dist);
      assert.equal(preloads(), null);
      const write = (chunk: string) => {
        // As a build writes it: a new file renamed over the old one.
        writeFileSync(join(dist, 'next.json'), JSON.stringify({ watch: { static: [chunk], dynamic: [] } }));
        renameSync(join(dist, 'next.json'), join(dist, modulePreloadsFile));
      };
      write('chunks/chunk-OLD.js');
      assert.deepEqual(preloads()?.watch?.static, ['chunks/chunk-OLD.js']);
      write('chunks/chunk-NEW.js');
      assert.deepEqual(preloads()?.watch?.static, ['chunks/chunk-NEW.js']);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
