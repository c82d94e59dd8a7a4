// Checks every segment a peer sends against the packager's hash list before hls.js sees it
// (p2p-media-loader's validateP2PSegment). A peer may be buggy (an emptied buffer, p2p-media-loader
// issue #522) or hostile; a segment that fails is dropped, counted, and fetched over HTTP instead.
// The packager publishes two lists beside each rendition's segments (services/packager/hash-lists.ts):
// hashes-live.json, the newest segments (rewritten with each), and hashes.json, the whole lesson
// (rewritten every few segments). A segment is looked up in the small live list first; one it does
// not name (a time-shift or replay viewer's older segment) in the whole list.
import { sha256Hex } from './sha256.ts';

/** services/packager/segment-record.ts: HashList. */
type HashList = { algorithm: string; segments: Array<{ uri: string; sha256: string; bytes: number }> };

/** Why a segment from a peer was refused. */
export type Rejection = 'empty' | 'mismatch' | 'unlisted';

export type SegmentValidatorOptions = {
  /** Fetches a hash list; a failure counts as "not listed". */
  fetchHashList(url: string): Promise<unknown>;
  onRejected(reason: Rejection, segmentUrl: string): void;
  onChecked?(segmentUrl: string, bytes: number): void;
  /** How long to wait before asking again for a list that does not name the segment yet. */
  retryDelayMs?: number;
  /** Which lists to look segments up in (defaultHashLists() by default). */
  lists?: 'live-first' | 'whole';
};

export type SegmentValidator = (url: string, byteRange: unknown, data: ArrayBuffer) => Promise<boolean>;

type ListedSegment = { sha256: string; bytes: number };
/** One hash list: what it named when last fetched, a fetch under way, and whether the last fetch failed. */
type KnownList = { listed: Map<string, ListedSegment>; pending?: Promise<void> | undefined; failed?: boolean };

/** Where a segment's (whole) hash list is and the name it has there: the list sits beside the segment. */
export function hashListLocation(segmentUrl: string): { listUrl: string; uri: string } | null {
  let url: URL;
  try {
    url = new URL(segmentUrl, 'http://relative.invalid/');
  } catch {
    return null;
  }
  const slash = url.pathname.lastIndexOf('/');
  const uri = url.pathname.slice(slash + 1);
  if (uri === '') return null;
  const listUrl = `${url.origin === 'http://relative.invalid' ? '' : url.origin}${url.pathname.slice(0, slash + 1)}hashes.json`;
  return { listUrl, uri: decodeURIComponent(uri) };
}

/** The live hash list beside a whole one. */
export function liveHashListUrl(listUrl: string): string {
  return listUrl.replace(/hashes\.json$/, 'hashes-live.json');
}

/**
 * Which lists to look in: a live viewer (the /watch page, which names no master playlist of its own)
 * plays the newest segments and looks in the live list first; a time-shift or replay viewer, and code
 * outside a page, in the whole list only.
 */
export function defaultHashLists(): 'live-first' | 'whole' {
  if (typeof document === 'undefined') return 'whole';
  return document.querySelector('meta[name="classcast-master-url"]') ? 'whole' : 'live-first';
}

/** The segments a hash list names, or an empty map for anything that is not one. */
export function listedSegments(list: unknown): Map<string, ListedSegment> {
  const listed = new Map<string, ListedSegment>();
  const segments = (list as Partial<HashList> | null)?.segments;
  if ((list as Partial<HashList> | null)?.algorithm !== 'sha-256' || !Array.isArray(segments)) return listed;
  for (const segment of segments) {
    if (typeof segment?.uri === 'string' && typeof segment.sha256 === 'string' && typeof segment.bytes === 'number') {
      listed.set(segment.uri, { sha256: segment.sha256.toLowerCase(), bytes: segment.bytes });
    }
  }
  return listed;
}

export function createSegmentValidator(options: SegmentValidatorOptions): SegmentValidator {
  const retryDelayMs = options.retryDelayMs ?? 700;
  const liveFirst = (options.lists ?? defaultHashLists()) === 'live-first';
  const lists = new Map<string, KnownList>();

  const refresh = (listUrl: string): Promise<void> => {
    const entry: KnownList = lists.get(listUrl) ?? { listed: new Map() };
    lists.set(listUrl, entry);
    entry.pending ??= options
      .fetchHashList(listUrl)
      .then(
        (list) => {
          entry.failed = false;
          // Segments never change under a name; keep what an older copy named (the live list drops
          // old segments, and a cache may serve a stale copy).
          for (const [uri, segment] of listedSegments(list)) entry.listed.set(uri, segment);
        },
        () => void (entry.failed = true),
      )
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  };

  const known = (listUrls: readonly string[], uri: string) => {
    for (const listUrl of listUrls) {
      const found = lists.get(listUrl)?.listed.get(uri);
      if (found) return found;
    }
    return undefined;
  };

  /**
   * The segment's entry: from what is known, else its list fetched again (twice at most: the
   * packager publishes a segment's hash with its playlist entry and caches may hold a list for half
   * a segment, so the second try waits a little). A live viewer asks the small live list; a segment
   * it does not name (older than the live window) is looked up in the whole list once.
   */
  const lookUp = async (listUrl: string, uri: string): Promise<ListedSegment | undefined> => {
    const liveUrl = liveHashListUrl(listUrl);
    const searched = liveFirst ? [liveUrl, listUrl] : [listUrl];
    const first = liveFirst ? liveUrl : listUrl;
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = known(searched, uri);
      if (found) return found;
      // A node without live hash lists: on to the whole list.
      if (attempt === 2 || lists.get(first)?.failed) break;
      if (attempt === 1) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      await refresh(first);
    }
    if (!liveFirst) return undefined;
    await refresh(listUrl);
    return known(searched, uri);
  };

  return async (url, byteRange, data) => {
    const reject = (reason: Rejection) => {
      options.onRejected(reason, url);
      return false;
    };
    if (data.byteLength === 0) return reject('empty');
    options.onChecked?.(url, data.byteLength);
    const location = hashListLocation(url);
    // Lessons are packaged as whole-file segments; the list has no hash for a byte range of one.
    if (!location || byteRange) return reject('unlisted');
    const listed = await lookUp(location.listUrl, location.uri);
    if (!listed) return reject('unlisted');
    if (listed.bytes !== data.byteLength || (await sha256Hex(data)) !== listed.sha256) return reject('mismatch');
    return true;
  };
}
