// The watch page's viewer count: the dashboard's sum of classcast_viewers per lesson label, found for
// a public lesson by its id and for one that is not public by its classroom's label, and read from
// the tiers at most once per cache life however many ask at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricSample } from '../../services/stats/prom-text.ts';
import { lessonViewerCount, scrapedViewerFigures, viewerFiguresOf, viewersDocument } from '../../services/stats/lesson-viewers.ts';

const samples: MetricSample[] = [
  { name: 'classcast_viewers', labels: { lesson: 'maths-1', city: '1', school: '2' }, value: 3 },
  { name: 'classcast_viewers', labels: { lesson: 'maths-1', city: '1', school: '3' }, value: 2 },
  { name: 'classcast_viewers', labels: { lesson: 'protected:room-7', city: '1', school: '2' }, value: 4 },
  { name: 'classcast_viewer_fluency', labels: { lesson: 'maths-1' }, value: 0.99 },
];

test('sums every tier and place per lesson, and finds a lesson that is not public by its classroom', () => {
  const figures = viewerFiguresOf(1_000, samples);
  assert.equal(lessonViewerCount(figures, { id: 'maths-1', classroomId: 'room-1' }), 5);
  assert.equal(lessonViewerCount(figures, { id: 'secret-lesson', classroomId: 'room-7' }), 4);
  assert.equal(lessonViewerCount(figures, { id: 'nobody-watches', classroomId: 'room-9' }), 0);
  assert.deepEqual(viewersDocument(figures, { id: 'maths-1', classroomId: 'room-1' }), { viewers: 5, at: new Date(1_000).toISOString() });
});

test('reads the tiers once per cache life, one reading for many asking at once', async () => {
  let scrapes = 0;
  const tier = createServer((_request, response) => {
    scrapes++;
    setTimeout(() => response.end('# TYPE classcast_viewers gauge\nclasscast_viewers{lesson="maths-1",city="1",school="2"} 7\n'), 50);
  });
  await new Promise<void>((resolve) => tier.listen(0, '127.0.0.1', resolve));
  let now = 10_000;
  try {
    const read = scrapedViewerFigures([{ tier: 'relay', url: () => `http://127.0.0.1:${(tier.address() as AddressInfo).port}/metrics` }], 3000, 5000, () => now);
    const answers = await Promise.all(Array.from({ length: 10 }, () => read()));
    assert.equal(scrapes, 1);
    assert.ok(answers.every((figures) => figures?.byLabel.get('maths-1') === 7));
    now += 4_000;
    await read();
    assert.equal(scrapes, 1, 'still fresh');
    now += 2_000;
    await read();
    assert.equal(scrapes, 2, 'read again once older than the cache life');
  } finally {
    tier.close();
  }
});

test('says there are no figures when no tier answers', async () => {
  const read = scrapedViewerFigures([{ tier: 'relay', url: () => 'http://127.0.0.1:1/metrics' }], 1000);
  assert.equal(await read(), null);
});
