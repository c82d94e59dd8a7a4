// Seek-bar preview thumbnails (智能预览): while the pointer is over the seek bar, or drags it (mouse,
// pen or finger), the thumbnail of the moment under it is shown above the bar, cut from its sprite
// image by the track's `#xywh` rectangle. The track is a WebVTT thumbnail track
// (thumbnail-track.ts); a live lesson's grows as it goes, so it is read again every
// `refreshSeconds` while the player is live. Without a track (none yet, or it cannot be read) the
// seek bar works as before, with no thumbnail.
import type { Player } from '../videojs-types.ts';
import { withToken } from '../playback-token.ts';
import { cueAt, parseThumbnailTrack, thumbnailLeft, type ThumbnailCue } from './thumbnail-track.ts';

export type SeekThumbnailOptions = {
  /** A protected lesson's current playback token: the track and its sprites need it like its segments. */
  token?: () => string;
  /** How often a live lesson's track is read again. */
  refreshSeconds?: number;
};

export type SeekThumbnails = { dispose(): void };

/** Thumbnails narrower than this share of the seek bar are shown at their size; wider ones shrink (phones). */
const widestShare = 0.45;

/** `trackUrl` may be relative to the page (the origin's own /vod or /live path). */
export function attachSeekThumbnails(player: Player, trackUrl: string, options: SeekThumbnailOptions = {}): SeekThumbnails {
  const progress = player.getChild('ControlBar')?.getChild('ProgressControl');
  const bar = progress?.el() as HTMLElement | undefined;
  if (!bar) return { dispose() {} };
  const box = document.createElement('div');
  box.className = 'classcast-seek-thumbnail';
  box.setAttribute('aria-hidden', 'true');
  const image = document.createElement('img');
  image.alt = '';
  image.decoding = 'async';
  box.append(image);
  bar.append(box);

  let cues: ThumbnailCue[] = [];
  let dragging = false;
  let disposed = false;
  const signed = (url: string) => (options.token ? withToken(url, options.token()) : url);

  const load = async () => {
    try {
      const response = await fetch(signed(trackUrl), { cache: 'no-cache' });
      if (response.ok) cues = parseThumbnailTrack(await response.text(), new URL(trackUrl, location.href).href);
    } catch {
      // No track now: the seek bar shows no thumbnail until one can be read.
    }
  };
  void load();
  const refresh = setInterval(() => {
    if (liveTrackerOf(player)?.isLive()) void load();
  }, (options.refreshSeconds ?? 30) * 1000);

  /**
   * The time under the pointer on the track's timeline: the seek bar spans what can be sought (the
   * whole replay, or the lesson so far), and the track starts where that does (the lesson's first
   * segment), wherever the player's own clock puts it.
   */
  const timeAt = (clientX: number, rect: DOMRect): number | undefined => {
    const seekable = player.seekable();
    if (!seekable || seekable.length === 0 || rect.width <= 0) return undefined;
    const share = Math.max(0, Math.min(1, (clientX - rect.left) / rect.width));
    return share * (seekable.end(seekable.length - 1) - seekable.start(0));
  };

  const show = (clientX: number) => {
    const holder = (bar.querySelector('.vjs-progress-holder') as HTMLElement | null) ?? bar;
    const rect = holder.getBoundingClientRect();
    const time = timeAt(clientX, rect);
    const cue = time === undefined ? undefined : cueAt(cues, time);
    if (!cue || cue.w === 0) return hide();
    const scale = Math.min(1, (rect.width * widestShare) / cue.w);
    const width = cue.w * scale;
    const barRect = bar.getBoundingClientRect();
    const url = signed(cue.url);
    if (image.dataset.url !== url) {
      image.dataset.url = url;
      image.src = url;
    }
    // CSSOM styles (not a style attribute): the page's policy allows them.
    box.style.width = `${width}px`;
    box.style.height = `${cue.h * scale}px`;
    box.style.left = `${thumbnailLeft(clientX - barRect.left, width, barRect.width)}px`;
    image.style.transform = `translate(${-cue.x * scale}px, ${-cue.y * scale}px) scale(${scale})`;
    box.classList.add('is-shown');
  };
  const hide = () => box.classList.remove('is-shown');

  const onBarMove = (event: PointerEvent) => show(event.clientX);
  const onDown = (event: PointerEvent) => {
    dragging = true;
    show(event.clientX);
  };
  const onDocumentMove = (event: PointerEvent) => dragging && show(event.clientX);
  const onUp = () => {
    if (!dragging) return;
    dragging = false;
    hide();
  };
  const onLeave = () => !dragging && hide();
  bar.addEventListener('pointermove', onBarMove);
  bar.addEventListener('pointerdown', onDown);
  bar.addEventListener('pointerleave', onLeave);
  document.addEventListener('pointermove', onDocumentMove);
  document.addEventListener('pointerup', onUp);
  document.addEventListener('pointercancel', onUp);

  const dispose = () => {
    if (disposed) return;
    disposed = true;
    clearInterval(refresh);
    bar.removeEventListener('pointermove', onBarMove);
    bar.removeEventListener('pointerdown', onDown);
    bar.removeEventListener('pointerleave', onLeave);
    document.removeEventListener('pointermove', onDocumentMove);
    document.removeEventListener('pointerup', onUp);
    document.removeEventListener('pointercancel', onUp);
    box.remove();
  };
  player.on('dispose', dispose);
  return { dispose };
}

/** video.js's live tracker (option `liveui`), which its shipped declarations leave off the player. */
function liveTrackerOf(player: Player): { isLive(): boolean } | undefined {
  return (player as unknown as { liveTracker?: { isLive(): boolean } }).liveTracker;
}

/** Where a lesson's (or a replay's) pictures are, from its master playlist's URL: the same folder. */
export function picturesOf(masterUrl: string): { poster: string; thumbnails: string } {
  const folder = masterUrl.replace(/\?.*$/, '').replace(/[^/]*$/, '');
  return { poster: `${folder}poster.jpg`, thumbnails: `${folder}thumbnails/thumbnails.vtt` };
}
