// A segment's length read from its own fMP4 boxes (pure), checked against segments ffmpeg really
// cuts, the last one short, and against what ffprobe decodes from them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { readInitTracks, segmentMediaSeconds } from '../../services/packager/fmp4-duration.ts';

const run = promisify(execFile);

test("every segment's picture length, the run's last one (cut short) included, with audio muxed in", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'classcast-fmp4-'));
  try {
    // 5.6 s at 25 fps with a 1 s GOP: five 1 s segments and a last one of 0.6 s.
    await run(findMediaTool('ffmpeg', process.env.FFMPEG_PATH), [
      '-hide_banner', '-loglevel', 'error',
      '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=44100',
      '-t', '5.6', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0',
      '-c:a', 'aac', '-ac', '1', '-f', 'hls', '-hls_time', '1', '-hls_segment_type', 'fmp4', '-hls_playlist_type', 'vod',
      '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', join(dir, '%d.m4s'), join(dir, 'out.m3u8'),
    ]);
    const init = await readFile(join(dir, 'init.mp4'));
    const track = readInitTracks(init);
    assert.ok(track, 'the init segment names a video track');
    const names = (await readdir(dir)).filter((name) => name.endsWith('.m4s')).sort((a, b) => Number.parseInt(a) - Number.parseInt(b));
    assert.equal(names.length, 6);
    const seconds = await Promise.all(names.map(async (name) => segmentMediaSeconds(await readFile(join(dir, name)), track)!));
    assert.deepEqual(seconds.map((value) => Number(value.toFixed(3))), [1, 1, 1, 1, 1, 0.6]);
    // ffprobe agrees on the last: its frames at 25 fps.
    await writeFile(join(dir, 'last.mp4'), Buffer.concat([init, await readFile(join(dir, names.at(-1)!))]));
    const { stdout } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), ['-v', 'error', '-select_streams', 'v', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', join(dir, 'last.mp4')]);
    assert.equal(Number(stdout.trim()) / 25, seconds.at(-1));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('what is not fMP4 measures as nothing', () => {
  assert.equal(readInitTracks(Buffer.from('not an mp4 at all')), undefined);
  assert.equal(segmentMediaSeconds(Buffer.alloc(64), { trackId: 1, timescale: 90000, defaultDuration: 0 }), undefined);
});
