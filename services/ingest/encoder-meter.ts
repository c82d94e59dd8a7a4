// Measures what an encoder sends, for its status in the catalog: bitrate from the FLV bytes and
// frame rate from the video frames, each over the time since the last sample.
import { readFlvTag } from './flv-tag.ts';
import type { Publisher } from './rtmp-server.ts';
import type { EncoderSample } from '../catalog/ingest/encoder-status.ts';

export function meterEncoder(publisher: Publisher): () => EncoderSample {
  let bytes = 0;
  let frames = 0;
  let since = Date.now();
  publisher.onTag((tag) => {
    bytes += tag.length;
    const info = readFlvTag(tag);
    if (info.kind === 'video' && !info.isSequenceHeader) frames++;
  });
  return () => {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - since) / 1000);
    const sample = { bitrateKbps: Math.round((bytes * 8) / 1000 / seconds), fps: Math.round((frames / seconds) * 10) / 10 };
    bytes = 0;
    frames = 0;
    since = now;
    return sample;
  };
}
