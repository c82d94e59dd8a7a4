// One raised-hand call's WebRTC connection, the same on both ends: the microphone's track goes out,
// the other end's audio comes in, and the offer, answer and ICE candidates go through the signalling
// (`sendSignal`). The student's page makes the offer once its hand is accepted; the console answers.
// Candidates that arrive before the other end's description wait for it. A call starts as
// 'connecting'; onState tells what follows.
import type { CallSignal, IceServerOption } from './hands-protocol.ts';

export type CallState = 'connecting' | 'connected' | 'failed' | 'closed';

export type CallPeer = {
  readonly connection: RTCPeerConnection;
  handle(signal: CallSignal): Promise<void>;
  close(): void;
};

export type CallOptions = {
  iceServers: IceServerOption[];
  /** The microphone; none: this end only listens. */
  microphone: MediaStream | null;
  offerer: boolean;
  sendSignal(signal: CallSignal): void;
  onRemoteAudio(stream: MediaStream): void;
  onState(state: CallState): void;
};

export function startCall(options: CallOptions): CallPeer {
  const connection = new RTCPeerConnection({ iceServers: options.iceServers });
  const early: RTCIceCandidateInit[] = [];
  let closed = false;
  const tracks = options.microphone?.getAudioTracks() ?? [];
  for (const track of tracks) connection.addTrack(track, options.microphone!);
  if (tracks.length === 0) connection.addTransceiver('audio', { direction: 'recvonly' });
  connection.addEventListener('icecandidate', (event) => {
    const found = event.candidate;
    options.sendSignal({ candidate: found ? { candidate: found.candidate, sdpMid: found.sdpMid, sdpMLineIndex: found.sdpMLineIndex, usernameFragment: found.usernameFragment } : null });
  });
  connection.addEventListener('track', (event) => options.onRemoteAudio(event.streams[0] ?? new MediaStream([event.track])));
  connection.addEventListener('connectionstatechange', () => {
    const state = connection.connectionState;
    if (closed) return;
    if (state === 'connected') options.onState('connected');
    else if (state === 'failed') options.onState('failed');
  });
  const describe = async () => {
    await connection.setLocalDescription();
    const local = connection.localDescription!;
    options.sendSignal({ sdp: { type: local.type as 'offer' | 'answer', sdp: local.sdp } });
  };
  if (options.offerer) describe().catch(() => options.onState('failed'));
  return {
    connection,
    async handle(signal) {
      if (closed) return;
      if ('sdp' in signal) {
        await connection.setRemoteDescription(signal.sdp);
        for (const candidate of early.splice(0)) await connection.addIceCandidate(candidate);
        if (signal.sdp.type === 'offer') await describe();
      } else if (signal.candidate) {
        const candidate: RTCIceCandidateInit = { candidate: signal.candidate.candidate, sdpMid: signal.candidate.sdpMid ?? null, sdpMLineIndex: signal.candidate.sdpMLineIndex ?? null };
        if (connection.remoteDescription) await connection.addIceCandidate(candidate);
        else early.push(candidate);
      }
    },
    close() {
      closed = true;
      connection.close();
      options.onState('closed');
    },
  };
}
