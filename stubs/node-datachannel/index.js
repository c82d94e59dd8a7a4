// Stands in for node-datachannel (see package.json and docs/p2p.md). Being loaded means server code
// imported a WebRTC client: import the tracker from 'bittorrent-tracker/server', not the package root.
// The names webrtc-polyfill imports are declared so that this message, not a link error, is what shows.
export const PeerConnection = undefined;
export const RtcpReceivingSession = undefined;
export const Video = undefined;
export const Audio = undefined;
export const cleanup = undefined;
throw new Error('node-datachannel is not available on the Classcast server: import bittorrent-tracker/server, not bittorrent-tracker (see docs/p2p.md)');
