// A replay's master playlist without the renditions the storage policy drops (rendition-policy-job.ts):
// every variant (EXT-X-STREAM-INF and the URI after it) or I-frame variant whose rendition is not
// kept goes; every other line stays as it was, in its order, so a player sees the same replay with
// fewer qualities. Pure. Renditions are named by the first part of their URI (<rendition>/index.m3u8).

/** The master's renditions in its order (best first, as the packager writes it). */
export function masterRenditions(master: string): string[] {
  const lines = master.split(/\r?\n/);
  const found: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (!line.startsWith('#EXT-X-STREAM-INF')) continue;
    const uri = lines.slice(index + 1).find((next) => next.trim() !== '' && !next.startsWith('#'));
    if (uri) found.push(renditionOf(uri));
  }
  return found;
}

export function trimmedMaster(master: string, keep: readonly string[]): string {
  const kept = new Set(keep);
  const lines = master.split(/\r?\n/);
  const out: string[] = [];
  let dropNextUri = false;
  for (const [index, line] of lines.entries()) {
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const uri = lines.slice(index + 1).find((next) => next.trim() !== '' && !next.startsWith('#'));
      dropNextUri = uri !== undefined && !kept.has(renditionOf(uri));
      if (!dropNextUri) out.push(line);
      continue;
    }
    if (line.startsWith('#EXT-X-I-FRAME-STREAM-INF')) {
      const uri = /URI="([^"]*)"/.exec(line)?.[1];
      if (uri === undefined || kept.has(renditionOf(uri))) out.push(line);
      continue;
    }
    if (dropNextUri && line.trim() !== '' && !line.startsWith('#')) {
      dropNextUri = false;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

function renditionOf(uri: string): string {
  return uri.trim().split('?')[0]!.split('/')[0]!;
}
