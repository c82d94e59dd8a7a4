// How long a viewer waited for the first picture, played and stalled, from the <video> element's
// events. Pure (times are passed in), so node tests drive it without a browser.
//  - startup: from the play request to the first 'playing';
//  - a stall: a 'waiting' after the first picture while neither paused nor seeking, until 'playing';
//  - playing time: between 'playing' and the next waiting, pause or end.
export type PlaybackEvent = 'play' | 'playing' | 'waiting' | 'pause' | 'ended' | 'seeking';

export type PlaybackTotals = { startupMs: number | null; playingSeconds: number; stalledSeconds: number; stallCount: number };

export type PlaybackClock = {
  /** An event of the video element; `seeking` is whether the element is seeking at that moment. */
  note(event: PlaybackEvent, now: number, seeking?: boolean): void;
  totals(now: number): PlaybackTotals;
};

type Phase = 'idle' | 'starting' | 'playing' | 'stalled' | 'paused';

/** `requestedAt`: when the page asked to play (autoplay starts at once), if it already has. */
export function createPlaybackClock(requestedAt?: number): PlaybackClock {
  let phase: Phase = requestedAt === undefined ? 'idle' : 'starting';
  let startRequestedAt = requestedAt ?? 0;
  let startupMs: number | null = null;
  let playingMs = 0;
  let stalledMs = 0;
  let stallCount = 0;
  let since = requestedAt ?? 0;

  const settle = (now: number) => {
    if (phase === 'playing') playingMs += Math.max(0, now - since);
    if (phase === 'stalled') stalledMs += Math.max(0, now - since);
    since = now;
  };
  const enter = (next: Phase, now: number) => {
    settle(now);
    phase = next;
  };

  return {
    note(event, now, seeking = false) {
      switch (event) {
        case 'play':
          if (startupMs === null && phase === 'idle') {
            startRequestedAt = now;
            enter('starting', now);
          }
          break;
        case 'playing':
          if (startupMs === null) startupMs = Math.max(0, now - (phase === 'idle' ? now : startRequestedAt));
          enter('playing', now);
          break;
        case 'waiting':
          if (phase === 'playing' && !seeking) {
            stallCount++;
            enter('stalled', now);
          }
          break;
        case 'pause':
        case 'ended':
          if (phase !== 'idle' && phase !== 'starting') enter('paused', now);
          break;
        case 'seeking':
          // Waiting for a seek is the viewer's choice, not a stall: it counts as neither.
          if (phase === 'playing' || phase === 'stalled') enter('paused', now);
          break;
      }
    },
    totals(now) {
      settle(now);
      return { startupMs, playingSeconds: playingMs / 1000, stalledSeconds: stalledMs / 1000, stallCount };
    },
  };
}
