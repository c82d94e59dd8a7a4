// Line by line checks of what RFC 8216 asks of the playlists we serve, beyond what a lenient parser
// forgives: each returns the problems found (empty when the playlist conforms), each naming the line.

/** The master playlist: one version tag, and no attribute EXT-X-STREAM-INF does not have (NAME). */
export function masterPlaylistProblems(text: string): string[] {
  const lines = text.split('\n');
  const problems = commonProblems(lines);
  lines.forEach((line, index) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    if (/(^|,)NAME=/.test(line.slice('#EXT-X-STREAM-INF:'.length))) problems.push(`line ${index + 1}: NAME is not an EXT-X-STREAM-INF attribute: ${line}`);
    if (!/(^|[:,])BANDWIDTH=\d+/.test(line)) problems.push(`line ${index + 1}: EXT-X-STREAM-INF without BANDWIDTH: ${line}`);
    const uri = lines[index + 1];
    if (!uri || uri.startsWith('#') || uri.trim() === '') problems.push(`line ${index + 1}: EXT-X-STREAM-INF not followed by its URI`);
  });
  return problems;
}

/**
 * A media playlist: one version tag, one target duration that every EXTINF rounded to the nearest
 * integer stays within, and an EXT-X-MAP before the first segment and again before the first
 * segment after every EXT-X-DISCONTINUITY (a new encoder run has a new init segment), no segment
 * listed twice, and program date times that never go back.
 */
export function mediaPlaylistProblems(text: string): string[] {
  const lines = text.split('\n');
  const problems = commonProblems(lines);
  const targets = lines.filter((line) => line.startsWith('#EXT-X-TARGETDURATION:'));
  if (targets.length !== 1) problems.push(`${targets.length} EXT-X-TARGETDURATION tags, not 1`);
  const target = Number(targets[0]?.slice('#EXT-X-TARGETDURATION:'.length));
  let mapNeeded = true;
  let mapNeededSince = 'the start';
  const uris = new Set<string>();
  // Program date times never go back: each segment starts no earlier than the one before it ended
  // (a frame's rounding allowed). Players that place segments by their date (Shaka) stall otherwise.
  let endOfPrevious = -Infinity;
  let dateTime = Number.NaN;
  let duration = Number.NaN;
  lines.forEach((line, index) => {
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) dateTime = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    if (line !== '' && !line.startsWith('#')) {
      if (uris.has(line)) problems.push(`line ${index + 1}: ${line} is listed twice`);
      uris.add(line);
      if (dateTime < endOfPrevious - 100) problems.push(`line ${index + 1}: ${line} starts ${endOfPrevious - dateTime} ms before the previous segment ends (program date times go back)`);
      endOfPrevious = Number.isNaN(dateTime) ? -Infinity : dateTime + duration * 1000;
      dateTime = Number.NaN;
    }
    if (line.startsWith('#EXT-X-DISCONTINUITY') && !line.startsWith('#EXT-X-DISCONTINUITY-SEQUENCE')) {
      mapNeeded = true;
      mapNeededSince = `the discontinuity on line ${index + 1}`;
    } else if (line.startsWith('#EXT-X-MAP:')) {
      mapNeeded = false;
    } else if (line.startsWith('#EXTINF:')) {
      const duration = Number.parseFloat(line.slice('#EXTINF:'.length));
      if (Number.isFinite(target) && !(Math.round(duration) <= target)) problems.push(`line ${index + 1}: ${line} rounds above EXT-X-TARGETDURATION:${target}`);
      if (mapNeeded) problems.push(`line ${index + 1}: a segment with no EXT-X-MAP since ${mapNeededSince}`);
    }
  });
  return problems;
}

function commonProblems(lines: string[]): string[] {
  const problems: string[] = [];
  if (lines[0] !== '#EXTM3U') problems.push('line 1 is not #EXTM3U');
  const versions = lines.filter((line) => line.startsWith('#EXT-X-VERSION:'));
  if (versions.length !== 1) problems.push(`${versions.length} EXT-X-VERSION tags, not 1`);
  return problems;
}
