// A lesson folder as ingest's packager leaves it under <dataDir>/live/<lesson>/ (a master playlist,
// and per rendition its time-shift playlist, hash list, init segment and segments), with real
// media from a short ffmpeg run but no RTMP push: enough for the real replay writer
// (recording-lifecycle.ts finishRecordings) to make a playable replay from it. With `pictures`, the
// lesson's poster and seek-bar thumbnails too, made by the real pictures worker from its segments.
// With `ladder` (names best first), every rendition carries the same media under its own folder,
// init segment name and playlists, and the master lists them best first: a lesson with a ladder.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { hashListName, masterPlaylistName, mediaPlaylistName, publishedInitName, timeShiftPlaylistName } from '../../services/packager/lesson-packager.ts';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';
import { writeMediaPlaylist, type PackagedSegment } from '../../services/packager/media-playlist.ts';
import { hashListFor } from '../../services/packager/segment-record.ts';
import { createLogger } from '../../services/core/log.ts';
import { createLessonPictures } from '../../services/pictures/lesson-pictures.ts';

const run = promisify(execFile);
const rendition = '360p';
const scratchPlaylist = 'ffmpeg.m3u8';

/**
 * Encodes `seconds` of a test pattern with a tone into 1 s fMP4 segments of one rendition, in real
 * time (`-re`), so the call lasts as long as the media: a recording opened before the call and
 * stopped after it covers every segment, each stamped with the wall-clock time it was "filmed".
 */
export async function writeRecordedLesson(lessonDir: string, seconds: number, options: { pictures?: boolean; ladder?: string[] } = {}): Promise<{ segmentCount: number }> {
  const dir = join(lessonDir, rendition);
  await mkdir(dir, { recursive: true });
  await run(findMediaTool('ffmpeg', process.env.FFMPEG_PATH), [
    '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-level', '3.0', '-pix_fmt', 'yuv420p',
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '64k',
    '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4',
    '-hls_fmp4_init_filename', publishedInitName(1, rendition),
    '-hls_segment_filename', join(dir, 'r1-%d.m4s'),
    join(dir, scratchPlaylist),
  ]);
  const made = parsePlaylist(await readFile(join(dir, scratchPlaylist), 'utf8')).segments;
  await rm(join(dir, scratchPlaylist));
  // The media was made in real time and ends now, so its first frame was made `total` seconds ago.
  const total = made.reduce((sum, segment) => sum + segment.duration, 0);
  let filmedAt = Date.now() - total * 1000;
  const segments: PackagedSegment[] = made.map((segment, index) => {
    const packaged = { sequence: index, uri: segment.uri, duration: segment.duration, programDateTime: Math.round(filmedAt), initUri: publishedInitName(1, rendition), discontinuity: false };
    filmedAt += segment.duration * 1000;
    return packaged;
  });
  const records = await Promise.all(
    segments.map(async (segment) => {
      const bytes = await readFile(join(dir, segment.uri));
      return { ...segment, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
    }),
  );
  await writeFile(join(dir, hashListName), JSON.stringify(hashListFor(rendition, records)));
  await writeFile(join(dir, timeShiftPlaylistName), writeMediaPlaylist(segments, { windowSize: 'all', segmentSeconds: 1, ended: true, playlistType: 'event' }));
  await writeFile(join(dir, mediaPlaylistName), writeMediaPlaylist(segments, { windowSize: 6, segmentSeconds: 1, ended: true }));
  const others = (options.ladder ?? [rendition]).filter((name) => name !== rendition);
  for (const name of others) {
    const to = join(lessonDir, name);
    await mkdir(to, { recursive: true });
    await copyFile(join(dir, publishedInitName(1, rendition)), join(to, publishedInitName(1, name)));
    for (const segment of segments) await copyFile(join(dir, segment.uri), join(to, segment.uri));
    const own = segments.map((segment) => ({ ...segment, initUri: publishedInitName(1, name) }));
    await writeFile(join(to, hashListName), JSON.stringify(hashListFor(name, records.map((record) => ({ ...record, initUri: publishedInitName(1, name) })))));
    await writeFile(join(to, timeShiftPlaylistName), writeMediaPlaylist(own, { windowSize: 'all', segmentSeconds: 1, ended: true, playlistType: 'event' }));
    await writeFile(join(to, mediaPlaylistName), writeMediaPlaylist(own, { windowSize: 6, segmentSeconds: 1, ended: true }));
  }
  // Best first, each a little more than the next (the master is ordered by bandwidth).
  const names = [...others, rendition];
  await writeFile(
    join(lessonDir, masterPlaylistName),
    writeMasterPlaylist(
      names.map((name, index) => ({ width: 320, height: 180, fps: 25, bandwidth: 400_000 * (names.length - index), averageBandwidth: 300_000 * (names.length - index), codecs: 'avc1.42c01e,mp4a.40.2', uri: `${name}/${mediaPlaylistName}` })),
    ),
  );
  if (options.pictures) {
    const pictures = createLessonPictures({
      lessonDir,
      sourceDir: dir,
      segments: () => segments,
      ffmpegPath: findMediaTool('ffmpeg', process.env.FFMPEG_PATH),
      posterSeconds: 60,
      thumbnailSeconds: 1,
      batchSeconds: 30,
      busy: () => false,
      log: createLogger({ role: 'test' }),
    });
    // The lesson is over: its last batch makes the poster and every thumbnail.
    await pictures.finish();
  }
  return { segmentCount: segments.length };
}
