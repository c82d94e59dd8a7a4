// The student's side of a raised hand, apart from how it is drawn: the signalling connection, the
// microphone (asked for when the hand goes up, so an accepted hand connects at once), and the call
// once the console accepts. `subscribe` hands the view every new state.
import type { MessageKey } from '../i18n/messages/catalogs.ts';
import { startCall, type CallPeer } from './call-peer.ts';
import type { IceServerOption, ServerMessage } from './hands-protocol.ts';
import { openHandsSocket, type HandsSocket } from './hands-socket.ts';
import { closeWords, errorWords, microphoneWords } from './hands-words.ts';
import { closeMicrophone, openMicrophone } from './microphone.ts';

export type StudentPhase = 'connecting' | 'down' | 'asking-mic' | 'waiting' | 'calling' | 'in-call' | 'closed';

export type StudentHandState = {
  phase: StudentPhase;
  /** 1-based place among the waiting hands. */
  position?: number;
  /** The console muted this student's microphone. */
  muted: boolean;
  /** What to tell the student beside the phase: why a call ended, a refusal, a lost connection. */
  notice?: MessageKey;
};

export type StudentHand = {
  raise(): Promise<void>;
  lower(): void;
  subscribe(listener: (state: StudentHandState) => void): () => void;
  /** The call's connection while there is one (end-to-end tests read its getStats()). */
  call(): RTCPeerConnection | undefined;
  close(): void;
};

export function createStudentHand(lessonId: string): StudentHand {
  let state: StudentHandState = { phase: 'connecting', muted: false };
  const listeners = new Set<(state: StudentHandState) => void>();
  let iceServers: IceServerOption[] = [];
  let microphone: MediaStream | null = null;
  let call: CallPeer | undefined;
  const teacherVoice = new Audio();
  teacherVoice.autoplay = true;

  const update = (next: Partial<StudentHandState>) => {
    state = { ...state, ...next };
    for (const listener of listeners) listener(state);
  };
  const hangUp = () => {
    call?.close();
    call = undefined;
    teacherVoice.srcObject = null;
    closeMicrophone(microphone);
    microphone = null;
  };

  const onMessage = (message: ServerMessage) => {
    if (message.type === 'welcome') {
      iceServers = message.iceServers;
    } else if (message.type === 'hand') {
      if (message.state === 'down') {
        hangUp();
        const notice: Record<string, MessageKey> = { teacher: 'hands.ended.teacher', lowered: 'hands.ended.lowered', 'console-left': 'hands.ended.consoleLeft' };
        const next: Partial<StudentHandState> = { phase: 'down', muted: false };
        if (message.ended) next.notice = notice[message.ended]!;
        // The page is asking for the microphone: this "down" is the connection's first word, not an answer.
        if (state.phase !== 'asking-mic') update(next);
      } else if (message.state === 'waiting') {
        update({ phase: 'waiting', position: message.position ?? 1 });
      } else {
        const muted = message.muted === true;
        for (const track of microphone?.getAudioTracks() ?? []) track.enabled = !muted;
        if (!call) {
          call = startCall({
            iceServers,
            microphone,
            offerer: true,
            sendSignal: (signal) => socket.send({ type: 'signal', signal }),
            onRemoteAudio: (stream) => {
              teacherVoice.srcObject = stream;
              void teacherVoice.play().catch(() => undefined);
            },
            onState: (callState) => {
              if (callState === 'connected') update({ phase: 'in-call' });
              else if (callState === 'failed') update({ notice: 'hands.callFailed' });
            },
          });
          update({ phase: 'calling', muted });
        } else update({ muted });
      }
    } else if (message.type === 'signal') {
      void call?.handle(message.signal).catch(() => update({ notice: 'hands.callFailed' }));
    } else if (message.type === 'error') {
      update({ notice: errorWords[message.code] });
    }
  };

  const socket: HandsSocket = openHandsSocket(lessonId, {
    message: (message) => {
      if (state.phase === 'connecting' && message.type === 'hand') update({ phase: 'down' });
      onMessage(message);
    },
    closed: (code) => {
      hangUp();
      update({ phase: 'closed', notice: closeWords(code) });
    },
  });

  return {
    async raise() {
      if (state.phase !== 'down') return;
      const { notice: _, ...rest } = state;
      state = rest;
      update({ phase: 'asking-mic' });
      const answer = await openMicrophone();
      if ('refused' in answer) return update({ phase: 'down', notice: microphoneWords[answer.refused] });
      if (state.phase !== 'asking-mic') return closeMicrophone(answer.stream);
      microphone = answer.stream;
      socket.send({ type: 'raise' });
    },
    lower() {
      socket.send({ type: 'lower' });
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
    call: () => call?.connection,
    close() {
      hangUp();
      socket.close();
    },
  };
}
