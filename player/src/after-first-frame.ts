// Work the watch page does once the video shows its first frame, not before: the classroom panel,
// the viewer count and the seek-bar thumbnails each make requests to the relay the video comes from,
// and started with the player they queue beside its master playlist and first segments and delay
// the picture (docs/benchmarks.md, first frame). A video that does not start within `latestMs`
// (a stall, a refused token, a browser without a compositor) gets them then anyway.
import type { Player } from './videojs-types.ts';

export function afterFirstFrame(player: Player, latestMs = 3000): (work: () => void) => void {
  let started = false;
  const waiting: Array<() => void> = [];
  const start = () => {
    if (started) return;
    started = true;
    clearTimeout(timer);
    for (const work of waiting.splice(0)) work();
  };
  const timer = setTimeout(start, latestMs);
  player.one('playing', start);
  return (work) => (started ? work() : void waiting.push(work));
}
