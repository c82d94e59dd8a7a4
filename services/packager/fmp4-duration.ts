// How long a CMAF/fMP4 segment's picture lasts, read from its own boxes (ISO/IEC 14496-12): the
// sample durations of its video track's fragments (trun, else tfhd's or trex's default), in the
// track's timescale (mdhd). Pure: buffers in, seconds out.
//
// ffmpeg's HLS muxer gives a segment the time to the next segment's start, which is right for every
// segment but a run's last: there it counts to the last packet's start, so the copy's last segment
// says 1.980 s over 2.000 s of picture while each rendition's says 2.000. A replay's variants then
// end at different times, and Shaka Player (which ends a presentation at its shortest variant)
// never calls endOfStream on the top one: the replay stands still 60 ms before its end. The
// packager takes the segment's own figure instead.

export type InitTracks = {
  /** The video track's id, or the first track's when there is no video. */
  trackId: number;
  timescale: number;
  /** trex's default sample duration for the track (0 when none). */
  defaultDuration: number;
};

type Box = { type: string; start: number; end: number };

/** The boxes directly inside `buffer[start, end)`. */
function boxes(buffer: Buffer, start = 0, end = buffer.length): Box[] {
  const found: Box[] = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = buffer.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) break;
      size = Number(buffer.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) break;
    found.push({ type: buffer.toString('latin1', offset + 4, offset + 8), start: offset + header, end: offset + size });
    offset += size;
  }
  return found;
}

const child = (buffer: Buffer, parent: Box, type: string) => boxes(buffer, parent.start, parent.end).find((box) => box.type === type);

/** The video track's id, timescale and default sample duration from an init segment, or undefined. */
export function readInitTracks(init: Buffer): InitTracks | undefined {
  const moov = boxes(init).find((box) => box.type === 'moov');
  if (!moov) return undefined;
  const tracks = boxes(init, moov.start, moov.end)
    .filter((box) => box.type === 'trak')
    .flatMap((trak) => {
      const tkhd = child(init, trak, 'tkhd');
      const mdia = child(init, trak, 'mdia');
      const mdhd = mdia && child(init, mdia, 'mdhd');
      const hdlr = mdia && child(init, mdia, 'hdlr');
      if (!tkhd || !mdhd || !hdlr) return [];
      const trackId = init.readUInt32BE(tkhd.start + (init[tkhd.start] === 1 ? 20 : 12));
      const timescale = init.readUInt32BE(mdhd.start + (init[mdhd.start] === 1 ? 20 : 12));
      return [{ trackId, timescale, handler: init.toString('latin1', hdlr.start + 8, hdlr.start + 12) }];
    });
  const track = tracks.find((each) => each.handler === 'vide') ?? tracks[0];
  if (!track || !(track.timescale > 0)) return undefined;
  const mvex = child(init, moov, 'mvex');
  const trex = mvex && boxes(init, mvex.start, mvex.end).find((box) => box.type === 'trex' && init.readUInt32BE(box.start + 4) === track.trackId);
  return { trackId: track.trackId, timescale: track.timescale, defaultDuration: trex ? init.readUInt32BE(trex.start + 12) : 0 };
}

/** Seconds of the track's samples in a media segment, or undefined when it has none of them. */
export function segmentMediaSeconds(segment: Buffer, track: InitTracks): number | undefined {
  let ticks = 0;
  let samples = 0;
  for (const moof of boxes(segment).filter((box) => box.type === 'moof')) {
    for (const traf of boxes(segment, moof.start, moof.end).filter((box) => box.type === 'traf')) {
      const tfhd = child(segment, traf, 'tfhd');
      if (!tfhd || segment.readUInt32BE(tfhd.start + 4) !== track.trackId) continue;
      const tfhdFlags = segment.readUInt32BE(tfhd.start) & 0xffffff;
      let field = tfhd.start + 8;
      if (tfhdFlags & 0x01) field += 8; // base data offset
      if (tfhdFlags & 0x02) field += 4; // sample description index
      const defaultDuration = tfhdFlags & 0x08 ? segment.readUInt32BE(field) : track.defaultDuration;
      for (const trun of boxes(segment, traf.start, traf.end).filter((box) => box.type === 'trun')) {
        const flags = segment.readUInt32BE(trun.start) & 0xffffff;
        const count = segment.readUInt32BE(trun.start + 4);
        let offset = trun.start + 8;
        if (flags & 0x001) offset += 4; // data offset
        if (flags & 0x004) offset += 4; // first sample flags
        const perSample = [0x100, 0x200, 0x400, 0x800].filter((bit) => flags & bit).length * 4;
        for (let sample = 0; sample < count; sample++) {
          if (flags & 0x100) {
            if (offset + 4 > trun.end) return undefined;
            ticks += segment.readUInt32BE(offset);
          } else {
            ticks += defaultDuration;
          }
          offset += perSample;
        }
        samples += count;
      }
    }
  }
  return samples > 0 && ticks > 0 ? ticks / track.timescale : undefined;
}
