// The CODECS attribute of a variant, read from its init segment so it always matches what the
// encoder produced (profile and level included): avc1.PPCCLL from the avcC box. Audio is always
// AAC-LC because our transcoder encodes it (ffmpeg's aac encoder), hence mp4a.40.2.

export function codecsFromInitSegment(init: Buffer): string {
  const codecs: string[] = [];
  const avcC = init.indexOf('avcC');
  if (avcC >= 0 && avcC + 8 <= init.length) {
    // avcC payload: configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication.
    const hex = (offset: number) => init[avcC + 4 + offset]!.toString(16).padStart(2, '0');
    codecs.push(`avc1.${hex(1)}${hex(2)}${hex(3)}`);
  }
  if (init.indexOf('mp4a') >= 0) codecs.push('mp4a.40.2');
  if (codecs.length === 0) throw new Error('init segment has neither an avcC nor an mp4a box');
  return codecs.join(',');
}
