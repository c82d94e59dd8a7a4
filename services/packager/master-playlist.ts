// Writes the lesson's master (multivariant) playlist: one variant per rendition, best first.
// Only attributes RFC 8216 defines for EXT-X-STREAM-INF (§4.3.4.2): NAME belongs to EXT-X-MEDIA,
// and players label a variant from its RESOLUTION (player/src/quality-labels.ts: "720p").
export type VariantEntry = {
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
        `RESOLUTION=${variant.width}x${variant.height},FRAME-RATE=${variant.fps.toFixed(3)},CODECS="${variant.codecs}"`,
      variant.uri,
    );
  }
  return lines.join('\n') + '\n';
}
