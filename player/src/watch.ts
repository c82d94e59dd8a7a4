// The watch page (/watch/<lessonId>): video.js draws the player, hls.js plays the lesson's HLS where
// the browser has Media Source Extensions, the browser's own HLS plays it where not (Safari, older
// iOS). This file only puts the parts together.
import videojs from 'video.js/core.es.js';
import type Hls from 'hls.js';
import { choosePlaybackEngine, nativeHlsType } from './playback-engine.ts';
import { createHls } from './hls-factory.ts';
import { HlsQuality } from './hls-quality.ts';
import { recoverFromHlsErrors } from './hls-recovery.ts';
import { hlsSourceType, registerHlsjsSourceHandler } from './hlsjs-source-handler.ts';
import { liveLessonHlsConfig } from './latency-profile.ts';
import { showLessonDetails } from './lesson-details.ts';
import { lessonIdFromPath, masterPlaylistUrl, mediaBaseFromPage } from './lesson-urls.ts';
import { recoverFromNativeErrors } from './native-recovery.ts';
import { createPlayerStatus } from './player-status.ts';
import { QualityMenuButton } from './quality-menu.ts';
import { exposeTestHooks } from './test-hooks.ts';
import { UnmuteButton } from './unmute-button.ts';
import type { Player } from './videojs-types.ts';

const playerOptions = {
  // Browsers only autoplay muted video; the unmute button invites the viewer to turn the sound on.
  autoplay: 'muted',
  muted: true,
  playsinline: true,
  controls: true,
  preload: 'auto',
  // Fill the page's width at 16:9, and let video.js drop controls that do not fit on a phone.
  fluid: true,
  aspectRatio: '16:9',
  responsive: true,
  // The live UI: a seek bar over the live window and a LIVE button that jumps back to the live
  // position. Track from the first second, as lesson playlists keep only a short window, and count a
  // viewer more than 2 segments (4 s) behind the live position as behind (video.js's default is 15 s).
  liveui: true,
  liveTracker: { trackingThreshold: 0, liveTolerance: 4 },
  userActions: { hotkeys: true },
  techOrder: ['html5'],
};

const lessonId = lessonIdFromPath(location.pathname);
const heading = document.getElementById('lesson-title');
const detail = document.getElementById('lesson-detail');
if (heading && lessonId) {
  heading.textContent = `Lesson ${lessonId}`;
  if (detail) void showLessonDetails(lessonId, heading, detail);
}

const player = videojs('lesson-video', playerOptions);
const status = createPlayerStatus(player);
let hasPlayed = false;
let hls: Hls | null = null;
let quality: HlsQuality | null = null;
let qualityMenu: QualityMenuButton | null = null;

player.addChild(new UnmuteButton(player));
player.on('playing', () => {
  hasPlayed = true;
  status.playing();
});
player.on('ended', () => status.show('lesson-ended'));

exposeTestHooks({
  player,
  get hls() {
    return hls;
  },
  levels: () => quality?.levels() ?? [],
  currentLevel: () => quality?.currentLevel() ?? -1,
  setLevel(index) {
    if (!quality) throw new Error('no quality levels: the browser is playing HLS itself, or nothing is loaded');
    quality.setLevel(index);
  },
  errors: status.errors,
});

const engine = choosePlaybackEngine();
if (lessonId === null) {
  status.show('no-lesson-id');
} else if (engine === 'none') {
  status.show('unsupported-browser');
} else if (engine === 'hlsjs') {
  registerHlsjsSourceHandler({
    createHls,
    config: liveLessonHlsConfig,
    onHls(created) {
      hls = created;
      quality = new HlsQuality(created);
      qualityMenu = replaceQualityMenu(player, qualityMenu, quality);
      recoverFromHlsErrors(created, status, () => hasPlayed);
    },
  });
  // hls.js reports what goes wrong with the <video> element itself, so its notices win over the
  // generic ones video.js would show.
  status.onOtherError(() => status.replaceOtherError());
  player.src({ src: masterPlaylistUrl(lessonId, mediaBaseFromPage(document)), type: hlsSourceType });
} else {
  const source = { src: masterPlaylistUrl(lessonId, mediaBaseFromPage(document)), type: nativeHlsType };
  recoverFromNativeErrors(player, status, source, () => hasPlayed);
  player.src(source);
}

/** Puts a quality menu for `quality` in the control bar, before the picture-in-picture and full screen buttons. */
function replaceQualityMenu(player: Player, old: QualityMenuButton | null, quality: HlsQuality): QualityMenuButton | null {
  const controlBar = player.getChild('ControlBar');
  if (!controlBar) return null;
  if (old) {
    controlBar.removeChild(old);
    old.dispose();
  }
  const menu = new QualityMenuButton(player, { quality });
  const before = controlBar.getChild('PictureInPictureToggle') ?? controlBar.getChild('FullscreenToggle');
  controlBar.addChild(menu, {}, before ? controlBar.children().indexOf(before) : undefined);
  return menu;
}
