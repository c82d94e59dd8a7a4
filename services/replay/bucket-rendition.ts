// Brings a replay's best rendition back from the bucket into a scratch folder, in the replay's own
// layout (master playlist, <rendition>/index.m3u8, its init and media segments), so the MP4 export
// (mp4-export.ts) reads it exactly as it reads a replay on disk.
import { join } from 'node:path';
import { parsePlaylist } from '../core/parse-playlist.ts';
import { isSafePathPart } from '../core/media-path.ts';
import { masterPlaylistName, mediaPlaylistName } from '../packager/lesson-packager.ts';
import type { ReplayBucket } from './replay-bucket.ts';
import { segmentsOfPlaylist } from '../packager/media-playlist.ts';

/** `keyPrefix` is the recording's storage path (vod/<recording>); returns the bytes fetched. */
export async function downloadBestRendition(bucket: ReplayBucket, keyPrefix: string, dir: string): Promise<number> {
  const masterText = await bucket.getText(`${keyPrefix}/${masterPlaylistName}`);
  if (masterText === undefined) throw new Error(`${keyPrefix}/${masterPlaylistName} is not in ${bucket.describe}`);
  const best = parsePlaylist(masterText).playlists?.[0]?.uri.split('/')[0];
  if (!best || !isSafePathPart(best)) throw new Error('the replay has no renditions');
  const files = [masterPlaylistName, `${best}/${mediaPlaylistName}`];
  const playlist = await bucket.getText(`${keyPrefix}/${best}/${mediaPlaylistName}`);
  if (playlist === undefined) throw new Error(`${keyPrefix}/${best}/${mediaPlaylistName} is not in ${bucket.describe}`);
  const names = new Set(segmentsOfPlaylist(playlist).flatMap((segment) => [segment.initUri, segment.uri]));
  for (const name of names) {
    if (!isSafePathPart(name)) throw new Error(`the replay's playlist names an unsafe file ${JSON.stringify(name)}`);
    files.push(`${best}/${name}`);
  }
  let bytes = 0;
  for (const file of files) bytes += await bucket.download(`${keyPrefix}/${file}`, join(dir, ...file.split('/')));
  return bytes;
}
