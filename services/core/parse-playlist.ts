// Parses HLS playlists with video.js's m3u8-parser; used by the packager (to read what the
// segmenter finished) and by the tests and tools that check what we serve.
import { Parser, type ParsedPlaylist } from 'm3u8-parser';

export type { ParsedPlaylist, ParsedSegment } from 'm3u8-parser';

export function parsePlaylist(text: string): ParsedPlaylist {
  if (!text.startsWith('#EXTM3U')) throw new Error('not an HLS playlist (no #EXTM3U)');
  const parser = new Parser();
  parser.push(text);
  parser.end();
  return parser.manifest;
}
