// What the packager knows about one finished segment, and the hash list it publishes per
// rendition so a player can check a segment it got from a peer before using it.
import type { PackagedSegment } from './media-playlist.ts';

export type SegmentRecord = PackagedSegment & { sha256: string; bytes: number };

export type HashList = {
  rendition: string;
  algorithm: 'sha-256';
  segments: Array<{ sequence: number; uri: string; sha256: string; bytes: number }>;
};

export function hashListFor(rendition: string, segments: readonly SegmentRecord[]): HashList {
  return { rendition, algorithm: 'sha-256', segments: segments.map(hashEntry) };
}

/** One segment's entry in a hash list. */
export function hashEntry({ sequence, uri, sha256, bytes }: SegmentRecord): HashList['segments'][number] {
  return { sequence, uri, sha256, bytes };
}
