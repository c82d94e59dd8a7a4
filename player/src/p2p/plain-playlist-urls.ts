// p2p-media-loader 2.x learns a live stream's new segments from each playlist update hls.js reports
// (LEVEL_UPDATED), finding the stream by the update's URL (`details.url`), which must be the
// playlist's own URL as the master named it. A Playlist Delta Update is fetched at that URL plus
// `?_HLS_skip=YES` (services/media-http/delta-playlist.ts), and hls.js reports the URL it fetched:
// the engine then finds no stream and drops every update after the first, so no new segment ever
// reaches the swarm and viewers share nothing. This puts the level's own URL back before the
// engine sees the update (hls.js uses `details.url` only in its messages after loading).
import Hls from 'hls.js';

/** Call before the engine's bindHls: hls.js runs an event's listeners in the order they were added. */
export function keepPlaylistUrlsPlain(hls: Hls): void {
  hls.on(Hls.Events.LEVEL_UPDATED, (_event, data) => {
    const own = hls.levels[data.level]?.uri;
    if (own && data.details.url !== own) data.details.url = own;
  });
}
