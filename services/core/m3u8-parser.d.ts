// Our declarations for the parts of m3u8-parser (video.js's HLS playlist parser) that we use.
declare module 'm3u8-parser' {
  export type ParsedSegment = {
    uri: string;
    duration: number;
    discontinuity?: boolean;
    timeline?: number;
    programDateTime?: number;
    map?: { uri: string };
  };
  export type ParsedPlaylist = {
    segments: ParsedSegment[];
    targetDuration?: number;
    mediaSequence?: number;
    discontinuitySequence?: number;
    endList?: boolean;
    playlistType?: string;
    /** A Playlist Delta Update's EXT-X-SKIP (services/media-http/delta-playlist.ts). */
    skip?: { skippedSegments?: number };
    /** EXT-X-SERVER-CONTROL's attributes. */
    serverControl?: { canSkipUntil?: number };
    playlists?: Array<{ uri: string; attributes: Record<string, unknown> }>;
  };
  export class Parser {
    manifest: ParsedPlaylist;
    push(chunk: string): void;
    end(): void;
  }
}
