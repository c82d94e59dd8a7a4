// On a machine with only Node, ffmpeg is the static 4.1 build inside @ffmpeg-installer/ffmpeg.
// The ingest must work with it too (it knows no variant names and no temp files), so this runs a
// lesson through that binary.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fetchBytes, fetchPlaylist, probeSegment, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const packagedFfmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const key = 'fallback-room-key';

describe('the npm-packaged ffmpeg 4.1 fallback', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder;
  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-301', key }], ffmpegPath: packagedFfmpeg });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 1280, height: 720 });
  });
  after(async () => {
    await encoder?.stop();
    await ingest?.stop();
  });

  it('transcodes a lesson into the full ladder', async () => {
    const lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id);
    const master = await waitFor('the master playlist', () => fetchPlaylist(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`).catch(() => undefined), 20_000);
    assert.equal(master.playlists?.length, 3);
    const media = await waitFor('two segments', async () => {
      const playlist = await fetchPlaylist(`${ingest.baseUrl}/live/${lessonId}/480p/index.m3u8`);
      return playlist.segments.length >= 2 ? playlist : undefined;
    });
    const segment = media.segments[1]!;
    const probe = await probeSegment(
      await fetchBytes(`${ingest.baseUrl}/live/${lessonId}/480p/${segment.map!.uri}`),
      await fetchBytes(`${ingest.baseUrl}/live/${lessonId}/480p/${segment.uri}`),
    );
    assert.equal(probe.height, 480);
    assert.equal(probe.firstVideoFrameIsKey, true);
    assert.equal(probe.hasAudio, true);
  });
});
