// A school's encoder on OBS's "auto" keyframe interval (a 250-frame GOP, 8.3 s at 30 fps) cannot be
// served as it is in 2 s segments: it is still recorded as sent, the top rendition is encoded with a
// keyframe every segment, and the school is told why with the fix in words. Real ffmpeg, real RTMP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { setLogSink } from '../../services/core/log.ts';
import { masterPlaylistName } from '../../services/packager/lesson-packager.ts';
import { segmentsOfPlaylist } from '../../services/packager/media-playlist.ts';
import { startFfmpeg, type FfmpegChild } from '../../scripts/ffmpeg-child.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'long-gop-room-secret-key';
const pushSeconds = 34;

describe('a source whose keyframes are too far apart is recorded as sent and its top rendition encoded', () => {
  let ingest: TestIngest;
  let encoder: FfmpegChild;
  let lessonId: string;
  const events: Array<{ event: string; advice?: string; reason?: string }> = [];
  let restoreSink: () => void;

  before(async () => {
    restoreSink = setLogSink((line) => void events.push(JSON.parse(line) as (typeof events)[number]));
    ingest = await startTestIngest({ classrooms: [{ id: 'long-gop-room', key }], ingest: { reconnectGraceSeconds: 2 } });
    encoder = startFfmpeg(findMediaTool('ffmpeg'), [
      '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=30', '-re', '-f', 'lavfi', '-i', 'sine=sample_rate=48000',
      '-t', String(pushSeconds), '-c:v', 'libx264', '-preset', 'veryfast', '-g', '250', '-keyint_min', '250', '-sc_threshold', '0',
      '-b:v', '1200k', '-maxrate', '1200k', '-bufsize', '2400k', '-c:a', 'aac', '-f', 'flv', ingest.rtmpUrl(key),
    ]);
    lessonId = await waitFor('the live lesson', () => ingest.ingest.lessons.list().find((lesson) => lesson.state === 'live')?.id, 30_000);
  });

  after(async () => {
    await encoder?.stop();
    await ingest?.stop();
    restoreSink?.();
  });

  it('tells why, with the fix in words', async () => {
    const judged = await waitFor('the source judged', () => events.find((each) => each.event.startsWith('source not fit')), 30_000);
    assert.match(judged.advice ?? '', /keyframe interval 8\.3 s: set 2 s in your encoder/);
  });

  it('encodes the top rendition in 2 s segments while the source is recorded in its own 8.3 s ones', async () => {
    const lessonDir = join(ingest.ingest.liveDir, lessonId);
    const top = await waitFor('encoded top-rendition segments', async () => {
      const text = await readFile(join(lessonDir, '480p', 'timeshift.m3u8'), 'utf8').catch(() => '');
      const own = text ? segmentsOfPlaylist(text).filter((segment) => segment.initUri.endsWith('-480p.mp4')) : [];
      return own.length >= 3 ? own : undefined;
    }, 40_000);
    for (const segment of top) assert.ok(segment.duration <= 2.1, `top segment ${segment.uri} lasts ${segment.duration} s`);
    // Cut only at the source's keyframes: every one but the last (cut short if the push has ended by now).
    const all = segmentsOfPlaylist(await readFile(join(lessonDir, 'source', 'timeshift.m3u8'), 'utf8'));
    const source = all.length > 1 ? all.slice(0, -1) : all;
    assert.ok(source.length > 0 && source.every((segment) => segment.duration > 8 && segment.duration < 8.5), `source segments ${source.map((segment) => segment.duration).join(', ')}`);
  });

  it('keeps every second pushed in the source copy and in the replay', async () => {
    await encoder.exited;
    // The replay's folder appears before its playlists; its master playlist is written last (replay-writer.ts).
    const recording = await waitFor('the lesson ended and its replay written', async () => {
      if (ingest.ingest.lessons.get(lessonId)?.state !== 'ended') return undefined;
      const [name] = await readdir(ingest.ingest.vodDir).catch(() => []);
      return name && (await stat(join(ingest.ingest.vodDir, name, masterPlaylistName)).catch(() => undefined)) ? name : undefined;
    }, 120_000);
    const source = segmentsOfPlaylist(await readFile(join(ingest.ingest.liveDir, lessonId, 'source', 'timeshift.m3u8'), 'utf8'));
    const sourceSeconds = source.reduce((sum, segment) => sum + segment.duration, 0);
    assert.ok(sourceSeconds >= pushSeconds - 0.5, `the source copy holds ${sourceSeconds.toFixed(1)} s of ${pushSeconds} s`);
    const replayTop = segmentsOfPlaylist(await readFile(join(ingest.ingest.vodDir, recording, '480p', 'index.m3u8'), 'utf8'));
    const replaySeconds = replayTop.reduce((sum, segment) => sum + segment.duration, 0);
    assert.ok(replaySeconds >= pushSeconds - 2, `the replay's top rendition holds ${replaySeconds.toFixed(1)} s of ${pushSeconds} s`);
  });
});
