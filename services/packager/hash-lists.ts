// How the packager keeps a rendition's segment hash lists (what a player checks a segment from a
// peer against) cheap over a long lesson. There are two:
// - hashes-live.json, the newest segments only (the live window and a margin), rewritten with
//   every segment before any playlist names it: what live viewers fetch, a few KB whatever the
//   lesson's length (they used to fetch the whole lesson's list every few segments);
// - hashes.json, every segment so far, for time-shift viewers and restarts. It is rewritten with
//   every segment too (several tests and tools expect it to name every published segment), but
//   after the live playlist, so its size never delays a live viewer, and from text kept per
//   rendition, so each segment costs one entry's serialisation, not the whole list's.

import { hashEntry, hashListFor, type SegmentRecord } from './segment-record.ts';

/** The live list covers the live playlist's window and a margin for caches holding an older copy. */
export function liveHashListLength(windowSize: number): number {
  return windowSize + 6;
}

/** One rendition's whole-lesson list as text, grown one entry at a time. */
export type WholeHashList = { add(segment: SegmentRecord): void; text(): string };

export function wholeHashList(rendition: string, segments: readonly SegmentRecord[]): WholeHashList {
  // The same text JSON.stringify(hashListFor(...)) gives, with the entries list left open.
  const head = JSON.stringify(hashListFor(rendition, [])).slice(0, -2);
  let entries = '';
  const add = (segment: SegmentRecord) => {
    entries += `${entries === '' ? '' : ','}${JSON.stringify(hashEntry(segment))}`;
  };
  for (const segment of segments) add(segment);
  return { add, text: () => `${head}${entries}]}` };
}
