// Which engine plays HLS in this browser: hls.js over Media Source Extensions where it can, the
// browser's own HLS (Safari, iOS before 17.1) where it cannot, or nothing.
import Hls from 'hls.js';

export type PlaybackEngine = 'hlsjs' | 'native' | 'none';

/** The MIME type a browser with built-in HLS answers to. */
export const nativeHlsType = 'application/vnd.apple.mpegurl';

export function choosePlaybackEngine(): PlaybackEngine {
  if (Hls.isSupported()) return 'hlsjs';
  if (document.createElement('video').canPlayType(nativeHlsType) !== '') return 'native';
  return 'none';
}
