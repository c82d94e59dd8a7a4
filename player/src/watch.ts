// The watch page (/watch/<lessonId>): video.js draws the player, hls.js plays the lesson's HLS where
// the browser has Media Source Extensions, sharing segments with other viewers through
// p2p-media-loader where it may, and the browser's own HLS plays it where not (Safari, older iOS).
// With hls.js, a relay that fails is left for the next one the page names (relay-failover.ts); the
// browser's own HLS plays the viewer's redundant master playlist, which lists every relay's variants.
// A lesson plays from its time-shift playlists (the whole lesson so far), so one page serves live
// and time-shift: the seek bar covers the lesson and video.js's LIVE button jumps back to the edge.
// The page also shows how many watch (viewer-count.ts), that an ended lesson ended with its replay
// (lesson-ended.ts), and what the player does when the video stalls (stall-notice.ts).
// Under the player, the live classroom: questions and comments (qa/qa-panel.ts) with the raise-hand
// button (hands/raise-hand.ts), or on a replay the lesson's answered moments (qa/replay-moments.ts).
// The classroom, the viewer count and the seek-bar thumbnails start once the first frame shows
// (after-first-frame.ts), so their requests do not queue beside the video's first ones.
// This file only puts the parts together.
import './videojs-without-inline-styles.ts';
import videojs from 'video.js/core.es.js';
import { Events } from 'hls.js';
import type Hls from 'hls.js';
import type { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import type { HlsFactory } from './hls-factory.ts';
import { choosePlaybackEngine, nativeHlsType } from './playback-engine.ts';
import { HlsQuality } from './hls-quality.ts';
import { recoverFromHlsErrors } from './hls-recovery.ts';
import { hlsSourceType, registerHlsjsSourceHandler } from './hlsjs-source-handler.ts';
import { allowSeekingBack, liveLessonHlsConfig } from './latency-profile.ts';
import { fetchLesson, showLessonDetails } from './lesson-details.ts';
import { isReplayUrl, lessonIdFromPath, masterUrlFromPage, redundantMasterUrl, timeShiftMasterUrl } from './lesson-urls.ts';
import { showLessonEnded } from './lesson-ended.ts';
import { createStallNotice } from './stall-notice.ts';
import { afterFirstFrame } from './after-first-frame.ts';
import { showViewerCount, viewerCountUrl } from './viewer-count.ts';
import { recoverFromNativeErrors } from './native-recovery.ts';
import { showReplayDetails } from './replay-details.ts';
import { chooseDelivery } from './p2p/choose-delivery.ts';
import { emptyDeliveryStats } from './p2p/delivery-stats.ts';
import { httpHlsFactory } from './p2p/http-hls.ts';
import { createSegmentValidator } from './p2p/segment-integrity.ts';
import { showStatsPanel } from './p2p/stats-panel.ts';
import { fetchPlaybackToken, playbackTokenUrl, startTokenRenewal, tokenXhrSetup, withToken } from './playback-token.ts';
import { createPlayerStatus } from './player-status.ts';
import { startQoeReporter } from './qoe/qoe-reporter.ts';
import { QualityMenuButton } from './quality-menu.ts';
import { createRelayFailover, relayLoadPolicies } from './relay-failover.ts';
import { onRelay, relaysFromPage, type Relay } from './relay-list.ts';
import { exposeTestHooks } from './test-hooks.ts';
import { attachSeekThumbnails, picturesOf } from './thumbnails/seek-thumbnails.ts';
import { t, i18n } from './i18n/i18n.ts';
import { useVideojsLanguage } from './i18n/videojs-language.ts';
import { mountLanguageSelect } from './i18n/language-select.ts';
import { UnmuteButton } from './unmute-button.ts';
import { mountQaPanel } from './qa/qa-panel.ts';
import { mountReplayMoments } from './qa/replay-moments.ts';
import { mountRaiseHand } from './hands/raise-hand.ts';
import type { Player } from './videojs-types.ts';

const playerOptions = {
  // Browsers only autoplay muted video; the unmute button invites the viewer to turn the sound on.
  autoplay: 'muted',
  muted: true,
  playsinline: true,
  controls: true,
  preload: 'auto',
  // Fill the page's width at 16:9 (the vjs-16-9 class, added below: video.js sizes a fluid player with
  // inline styles the page's policy refuses), and let video.js drop controls that do not fit on a phone.
  responsive: true,
  // The live UI: a seek bar over the live window and a LIVE button that jumps back to the live
  // position. Track from the first second, as lesson playlists keep only a short window, and count a
  // viewer more than 2 segments (4 s) behind the live position as behind (video.js's default is 15 s).
  liveui: true,
  liveTracker: { trackingThreshold: 0, liveTolerance: 4 },
  userActions: { hotkeys: true },
  techOrder: ['html5'],
  // video.js's own controls and messages in the page's language (its zh-CN file, videojs-language.ts).
  language: i18n().locale,
};

const lessonId = lessonIdFromPath(location.pathname);
// The replay page (/replay/<recording>) names its /vod master playlist: the id in its path is a
// recording's, not a lesson's, so there is no lesson to look up and no live quality to report, and
// its playback token is the recording's.
const pageMasterUrl = masterUrlFromPage(document);
const isReplay = pageMasterUrl !== null && isReplayUrl(pageMasterUrl);
const heading = document.getElementById('lesson-title');
const detail = document.getElementById('lesson-detail');
const lesson = lessonId && !isReplay ? fetchLesson(lessonId) : Promise.resolve(null);
const endedLine = document.getElementById('lesson-ended');
if (heading && lessonId && isReplay) {
  heading.textContent = t('page.replay');
  const panel = document.getElementById('replay-panel');
  if (panel) void showReplayDetails(lessonId, heading, panel);
} else if (heading && lessonId) {
  heading.textContent = t('lesson.heading', { id: lessonId });
  void lesson.then((found) => found && detail && showLessonDetails(found, heading, detail));
}
void lesson.then((found) => {
  if (found?.state === 'ended' && endedLine) void showLessonEnded(found, endedLine);
});

useVideojsLanguage(videojs);
mountLanguageSelect(document.querySelector('.site-header'));

// Startup time counts from here: the page asking to play.
const playRequestedAt = performance.now();
const player = videojs('lesson-video', playerOptions);
player.addClass('vjs-16-9');
const whenPlaying = afterFirstFrame(player);
const status = createPlayerStatus(player);
const stall = createStallNotice(player, player.tech(true).el() as HTMLVideoElement);
let hasPlayed = false;
let hls: Hls | null = null;
let quality: HlsQuality | null = null;
let qualityMenu: QualityMenuButton | null = null;
let p2pEngine: HlsJsP2PEngine | null = null;
const deliveryStats = emptyDeliveryStats();
// Where a rebuild on another relay picks up: the position (-1: the live edge) and the chosen quality (-1: Auto).
let resume: { position: number; level: number } | null = null;
const relays = relaysFromPage(document);
const relayFailover = createRelayFailover({ relays, status, rebuild: playFromRelay });

player.addChild(new UnmuteButton(player));
player.on('playing', () => {
  hasPlayed = true;
  status.playing();
});
player.on('ended', () => {
  status.show('lesson-ended');
  // A lesson that ends while watched: say when, and offer its replay once the catalog has it.
  if (lessonId && !isReplay && endedLine) {
    void fetchLesson(lessonId).then((found) => {
      if (found?.state === 'ended') void showLessonEnded(found, endedLine);
    });
  }
});

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
  stalled: () => stall.shown(),
  p2p: deliveryStats,
  get p2pEngine() {
    return p2pEngine;
  },
});

/** The protected lesson's current playback token, once the catalog gave one: quality reports carry it. */
let playbackToken: (() => string) | undefined;

// Live and time-shift viewing is reported to the tier the page plays through (issue 7's quality
// figures); replays are not live lessons, which the tiers count by.
if (lessonId !== null && !isReplay) {
  let place = { cityId: null as number | null, schoolId: null as number | null };
  void lesson.then((found) => found && (place = { cityId: found.cityId, schoolId: found.schoolId }));
  const reporter = startQoeReporter({
    mediaBase: () => relayFailover.current().media,
    lessonId,
    video: player.tech(true).el() as HTMLVideoElement,
    bytes: () => deliveryStats,
    hls: () => hls,
    place: () => place,
    playRequestedAt,
    token: () => playbackToken?.(),
  });
  player.on('error', () => reporter.noteError());
}

const engine = choosePlaybackEngine();
// The peer-to-peer engine is a chunk of its own: where the platform has a tracker, it loads while
// the catalog is asked about the lesson, not after (docs/benchmarks.md, first frame).
const p2pChunk = engine === 'hlsjs' && document.querySelector<HTMLMetaElement>('meta[name="classcast-tracker"]')?.content ? import('./p2p/p2p-hls.ts').catch(() => null) : null;
if (lessonId === null) {
  status.show('no-lesson-id');
} else if (engine === 'none') {
  status.show('unsupported-browser');
} else if (engine === 'hlsjs') {
  void playWithHlsjs(lessonId);
} else {
  void playNatively(lessonId);
}

/**
 * The browser's own HLS (Safari, iOS): it fails over by itself when the playlist lists the other
 * relays' variants too, and it cannot add a token to its requests, so a protected lesson always
 * plays from the viewer's own master, which puts the token into every URI's path
 * (docs/protected-lessons.md). A token that expires under it is refused at the next playlist
 * refresh; the page then loads the master again with the newest renewal.
 */
/**
 * The playback token for this page's lesson or replay, renewed before it expires for as long as the
 * page plays (every hook reads the current one); undefined when none is needed, 'stop' when the
 * viewer must sign in or may not watch (the page says which). A school's own or protected lesson,
 * and its replays, play only with a token the catalog gives a viewer allowed to watch. A lesson the
 * catalog would not show (null) may be one of those: ask for a token too. A replay's page does not
 * know its lesson: the catalog says whether it needs one.
 */
async function pageToken(lessonId: string): Promise<(() => string) | undefined | 'stop'> {
  const found = await lesson;
  const tokenUrl = playbackTokenUrl(isReplay ? 'recording' : 'lesson', lessonId);
  const answer = !isReplay && found?.visibility === 'public' ? null : await fetchPlaybackToken(tokenUrl);
  if (answer === 'sign-in-needed' || answer === 'not-allowed') {
    status.show(answer);
    return 'stop';
  }
  const token = answer?.protected ? startTokenRenewal(tokenUrl, answer).current : undefined;
  playbackToken = token;
  return token;
}

async function playNatively(lessonId: string): Promise<void> {
  const token = await pageToken(lessonId);
  if (token === 'stop') return;
  whenPlaying(() => startClassroom(lessonId));
  const source = () => {
    if (token) return { src: withToken(redundantMasterUrl(location.pathname), token()), type: nativeHlsType };
    return { src: relays.length > 1 ? redundantMasterUrl(location.pathname) : masterUrlOn(relayFailover.current(), lessonId), type: nativeHlsType };
  };
  if (!isReplay) whenPlaying(() => countViewers(lessonId, token));
  recoverFromNativeErrors(player, status, source, () => hasPlayed);
  player.src(source());
  showPictures(token);
}

async function playWithHlsjs(lessonId: string): Promise<void> {
  const token = await pageToken(lessonId);
  if (token === 'stop') return;
  if (!isReplay) whenPlaying(() => countViewers(lessonId, token));
  whenPlaying(() => startClassroom(lessonId));
  const delivery = await chooseDelivery(document, lessonId, lesson);
  let createHls: HlsFactory = httpHlsFactory(deliveryStats);
  if (delivery.mode === 'p2p') {
    // The engine is a separate chunk; if it cannot be loaded, the lesson plays over HTTP.
    const p2p = await (p2pChunk ?? import('./p2p/p2p-hls.ts').catch(() => null));
    if (p2p) {
      createHls = p2p.p2pHlsFactory({
        settings: delivery.settings,
        stats: deliveryStats,
        validate: segmentValidator(token),
        onEngine: (created) => (p2pEngine = created),
        // The first token as text: its HTTP segment hook sends the newest renewal (playback-token.ts).
        token: token?.(),
        trackerUrl: () => relayFailover.current().tracker || delivery.settings.trackerUrl,
      });
      deliveryStats.mode = 'p2p';
    } else {
      deliveryStats.httpOnlyReason = 'engine-not-loaded';
    }
  } else {
    deliveryStats.httpOnlyReason = delivery.reason;
  }
  const statsPanel = document.getElementById('delivery-stats');
  if (statsPanel instanceof HTMLDetailsElement) showStatsPanel(statsPanel, deliveryStats);
  // A peer-to-peer viewer starts as close to the live edge as one over HTTP only, and moves back
  // while it has peers (p2p/live-distance.ts).
  // With another relay to move to, a relay that does not answer is given up on sooner (relay-failover.ts).
  const failoverConfig = relays.length > 1 ? { ...liveLessonHlsConfig, ...relayLoadPolicies } : liveLessonHlsConfig;
  const liveConfig = token ? { ...failoverConfig, ...tokenXhrSetup(token) } : failoverConfig;
  registerHlsjsSourceHandler({
    createHls: (config) => createHls(resume ? { ...config, startPosition: resume.position, ...(resume.level >= 0 ? { startLevel: resume.level } : {}) } : config),
    // Lessons play from their time-shift playlists and replays are whole: a viewer may seek back anywhere.
    config: allowSeekingBack(liveConfig),
    onHls(created) {
      hls = created;
      quality = new HlsQuality(created, resume?.level ?? -1);
      qualityMenu = replaceQualityMenu(player, qualityMenu, quality);
      recoverFromHlsErrors(created, status, () => hasPlayed, relayFailover.moveOn);
      stall.watch(created);
      relayFailover.watch(created);
      keepChosenLevel(created, quality, resume?.level ?? -1);
      resume = null;
    },
  });
  // hls.js reports what goes wrong with the <video> element itself, so its notices win over the
  // generic ones video.js would show.
  status.onOtherError(() => status.replaceOtherError());
  player.src({ src: masterUrlOn(relayFailover.current(), lessonId), type: hlsSourceType });
  showPictures(token);
}

/**
 * The lesson's (or replay's) poster as the player's poster, once the player has asked for its master
 * playlist, and the seek-bar preview thumbnails once it plays (a lesson plays from its time-shift
 * playlists and a replay is whole: the viewer may always seek back), both from the relay the page
 * plays through.
 */
function showPictures(token: (() => string) | undefined): void {
  if (lessonId === null) return;
  const pictures = picturesOf(masterUrlOn(relayFailover.current(), lessonId));
  player.poster(token ? withToken(pictures.poster, token()) : pictures.poster);
  whenPlaying(() => attachSeekThumbnails(player, pictures.thumbnails, token ? { token } : {}));
}

/**
 * The classroom under the player, once the page knows its playback token: the Q&A panel reading the
 * feed from the relay the page plays from, and the raise-hand button; on a replay, its moments.
 */
function startClassroom(id: string): void {
  const section = document.getElementById('qa-panel');
  if (!section) return;
  if (isReplay) return void mountReplayMoments(section, id, player.tech(true).el() as HTMLVideoElement);
  mountQaPanel(section, { lessonId: id, mediaBase: () => relayFailover.current().media, token: () => playbackToken?.() });
  const hand = document.getElementById('raise-hand');
  if (hand) mountRaiseHand(hand, { lessonId: id });
}

/** The master playlist on `relay`: the one the page names (a replay), or the lesson's time-shift one. */
function masterUrlOn(relay: Relay, lessonId: string): string {
  const named = masterUrlFromPage(document);
  return named ? onRelay(named, relay.media) : timeShiftMasterUrl(lessonId, relay.media);
}

/** The viewer count beside the lesson's details, from the relay the page plays from, while the lesson is live. */
function countViewers(lessonId: string, token: (() => string) | undefined): void {
  const element = document.getElementById('viewer-count');
  if (!element) return;
  void lesson.then((found) => {
    if (found?.state === 'ended') return;
    const counting = showViewerCount({
      element,
      url: () => {
        const url = viewerCountUrl(lessonId, relayFailover.current().media);
        return token ? withToken(url, token()) : url;
      },
    });
    player.one('ended', () => {
      counting.stop();
      element.hidden = true;
    });
  });
}

/**
 * Plays the lesson again from `relay` (the failover moved there): the old hls.js instance and its
 * P2P engine are disposed with the old source; the new one starts at the live edge if the viewer
 * was there, else where the viewer was, at the quality they chose.
 */
function playFromRelay(relay: Relay): void {
  if (lessonId === null || !quality) return;
  stall.switchingRelay();
  const video = player.tech(true).el() as HTMLVideoElement;
  const atLiveEdge = !isReplay && (player.getChild('LiveTracker') as { atLiveEdge?(): boolean } | undefined)?.atLiveEdge?.() !== false;
  resume = { position: atLiveEdge ? -1 : video.currentTime, level: quality.chosenLevel() };
  const muted = player.muted();
  player.src({ src: masterUrlOn(relay, lessonId), type: hlsSourceType });
  // video.js clears its notice when the new source starts loading, and autoplays it muted.
  player.one('loadstart', () => status.redisplay());
  player.one('playing', () => player.muted(muted));
}

/** After a rebuild, the quality the viewer chose on the old relay (-1: Auto, left to hls.js). */
function keepChosenLevel(created: Hls, levels: HlsQuality, level: number): void {
  if (level < 0) return;
  created.once(Events.MANIFEST_PARSED, () => level < created.levels.length && levels.setLevel(level));
}

/** Checks segments from peers against the packager's hash lists, counting what it refuses. */
function segmentValidator(token: (() => string) | undefined) {
  return createSegmentValidator({
    fetchHashList: async (url) => {
      const response = await fetch(token ? withToken(url, token()) : url, { cache: 'no-store' });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.json();
    },
    onRejected: (reason) => deliveryStats.rejected[reason]++,
    onChecked: (_url, bytes) => {
      deliveryStats.peerSegmentsChecked++;
      deliveryStats.smallestPeerSegment = Math.min(bytes, deliveryStats.smallestPeerSegment ?? bytes);
    },
  });
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
