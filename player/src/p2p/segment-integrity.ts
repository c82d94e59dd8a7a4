// Checks every segment a peer sends against the packager's hash list before hls.js sees it
// (p2p-media-loader's validateP2PSegment). A peer may be buggy (an emptied buffer, p2p-media-loader
// issue #522) or hostile; a segment that fails is dropped, counted, and fetched over HTTP instead.
// The packager publishes /live/<lesson>/<rendition>/hashes.json beside the rendition's segments.
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
};

export type SegmentValidator = (url: string, byteRange: unknown, data: ArrayBuffer) => Promise<boolean>;

type ListedSegment = { sha256: string; bytes: number };
/** One rendition's hash list: what it named when last fetched, and a fetch under way. */
type KnownList = { listed: Map<string, ListedSegment>; pending?: Promise<void> | undefined };

/** Where a segment's hash list is and the name it has there: the list sits beside the segment. */
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
  const lists = new Map<string, KnownList>();

  const refresh = (listUrl: string): Promise<void> => {
    const entry: KnownList = lists.get(listUrl) ?? { listed: new Map() };
    lists.set(listUrl, entry);
    entry.pending ??= options
      .fetchHashList(listUrl)
      .then(
        (list) => {
          // A live list only grows; keep what an older copy named in case a cache served a stale one.
          for (const [uri, segment] of listedSegments(list)) entry.listed.set(uri, segment);
        },
        () => undefined,
      )
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  };

  /** The segment's entry, asking for the list again (twice at most) while it does not name it yet. */
  const lookUp = async (listUrl: string, uri: string): Promise<ListedSegment | undefined> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = lists.get(listUrl)?.listed.get(uri);
      if (found) return found;
      // The packager writes a segment's playlist entry just before its hash, and caches may hold the
      // list for half a segment, so a second try waits a little.
      if (attempt === 2) break;
      if (attempt === 1) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      await refresh(listUrl);
    }
    return undefined;
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
