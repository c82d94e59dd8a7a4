// A video.js source handler that plays HLS sources with hls.js on the Html5 tech, the way PeerTube
// pairs them: video.js draws the player, hls.js feeds the tech's <video> element through MSE.
import videojs from 'video.js/core.es.js';
import type Hls from 'hls.js';
import type { HlsConfig } from 'hls.js';
import type { HlsFactory } from './hls-factory.ts';
import type { CanPlay, SourceHandler, TechWithSourceHandlers, TimeRanges, VideoSource } from './videojs-types.ts';

/** The source type the watch page gives video.js for a lesson's master playlist. */
export const hlsSourceType = 'application/x-mpegURL';

const hlsTypePattern = /^(application\/x-mpegurl|application\/vnd\.apple\.mpegurl)$/i;

export type HlsjsSourceHandlerOptions = {
  createHls: HlsFactory;
  config: Partial<HlsConfig>;
  /** Called with every Hls instance the handler creates, before it loads the source. */
  onHls(hls: Hls): void;
};

/**
 * Registers the handler first on the Html5 tech, so hls.js wins over the browser's own HLS. Call it
 * only where hls.js is supported (see playback-engine.ts).
 */
export function registerHlsjsSourceHandler(options: HlsjsSourceHandlerOptions): void {
  // video.js declares getTech as returning a Tech instance; it returns the class, which carries the
  // source handler registry mixed in by Tech.withSourceHandlers.
  const html5 = videojs.getTech('Html5') as unknown as TechWithSourceHandlers | undefined;
  if (!html5) throw new Error('video.js has no Html5 tech to attach hls.js to');
  html5.registerSourceHandler(hlsjsSourceHandler(options), 0);
}

function hlsjsSourceHandler({ createHls, config, onHls }: HlsjsSourceHandlerOptions): SourceHandler {
  const canPlayType = (type: string): CanPlay => (hlsTypePattern.test(type) ? 'probably' : '');
  return {
    canPlayType,
    canHandleSource: (source: VideoSource) => canPlayType(source.type ?? ''),
    handleSource(source, tech) {
      const video = tech.el();
      if (!(video instanceof HTMLVideoElement)) throw new Error('the Html5 tech has no <video> element');
      const hls = createHls(config);
      onHls(hls);
      hls.attachMedia(video);
      hls.loadSource(source.src);
      return { dispose: () => hls.destroy(), seekable: () => seekableUpToLiveSync(video, hls) };
    },
  };
}

/**
 * The seekable range of a live lesson, ending at hls.js's live sync position (liveSyncDurationCount
 * segments behind the newest) rather than at the newest segment, as video.js's own HLS engine does.
 * video.js seeks to the end of this range when playback starts and when the viewer presses LIVE, and
 * measures "behind live" from it; the newest segment's end has nothing buffered after it and stalls.
 */
function seekableUpToLiveSync(video: HTMLVideoElement, hls: Hls): TimeRanges {
  const range = video.seekable;
  const sync = hls.liveSyncPosition;
  if (range.length === 0 || sync === null || !hls.latestLevelDetails?.live) return range;
  const start = range.start(0);
  const end = range.end(range.length - 1);
  return videojs.time.createTimeRanges(start, Math.max(start, Math.min(end, sync)));
}
