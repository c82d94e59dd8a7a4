// Writes the lesson's master (multivariant) playlist: one variant per rendition, best first.
export type VariantEntry = {
  name: string;
  width: number;
  height: number;
  fps: number;
  /** Peak bits per second of the variant (video maxrate plus audio). */
  bandwidth: number;
  averageBandwidth: number;
  /** RFC 6381 codec strings, e.g. "avc1.64001f,mp4a.40.2". */
  codecs: string;
  uri: string;
};

export function writeMasterPlaylist(variants: readonly VariantEntry[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  const ordered = [...variants].sort((a, b) => b.bandwidth - a.bandwidth);
  for (const variant of ordered) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.round(variant.bandwidth)},AVERAGE-BANDWIDTH=${Math.round(variant.averageBandwidth)},` +
        `RESOLUTION=${variant.width}x${variant.height},FRAME-RATE=${variant.fps.toFixed(3)},CODECS="${variant.codecs}",NAME="${variant.name}"`,
      variant.uri,
    );
  }
  return lines.join('\n') + '\n';
}
