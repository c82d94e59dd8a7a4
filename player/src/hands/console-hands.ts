// The console's side of the raised hands, apart from how it is drawn: the queue the server sends,
// accept / mute / end, and one call per accepted hand. The student's voice plays on this computer's
// output ("play out loud", on by default) so the classroom's microphone and encoder carry it to
// every viewer; the teacher's microphone goes to the student. A muted student is also silenced here,
// whatever their page does.
import type { MessageKey } from '../i18n/messages/catalogs.ts';
import { startCall, type CallPeer, type CallState } from './call-peer.ts';
import type { CallSignal, IceServerOption, QueuedHand, ServerMessage } from './hands-protocol.ts';
import { openHandsSocket } from './hands-socket.ts';
import { closeWords, errorWords, microphoneWords } from './hands-words.ts';
import { closeMicrophone, openMicrophone } from './microphone.ts';

export type ConsoleCall = { studentId: number; state: CallState; peer: CallPeer; voice: HTMLAudioElement };

export type ConsoleHandsState = {
  phase: 'connecting' | 'ready' | 'closed';
  hands: QueuedHand[];
  maxAccepted: number;
  calls: ReadonlyMap<number, CallState>;
  outLoud: boolean;
  notice?: MessageKey;
};

export type ConsoleHands = {
  accept(studentId: number): Promise<void>;
  mute(studentId: number, muted: boolean): void;
  end(studentId: number): void;
  setOutLoud(on: boolean): void;
  subscribe(listener: (state: ConsoleHandsState) => void): () => void;
  /** The call with this student, while there is one (end-to-end tests read its getStats()). */
  call(studentId: number): RTCPeerConnection | undefined;
  close(): void;
};

export function createConsoleHands(lessonId: string): ConsoleHands {
  let state: ConsoleHandsState = { phase: 'connecting', hands: [], maxAccepted: 1, calls: new Map(), outLoud: true };
  const listeners = new Set<(state: ConsoleHandsState) => void>();
  const calls = new Map<number, ConsoleCall>();
  const early = new Map<number, CallSignal[]>();
  let iceServers: IceServerOption[] = [];
  let microphone: MediaStream | null = null;

  const update = (next: Partial<ConsoleHandsState>) => {
    state = { ...state, ...next, calls: new Map([...calls].map(([id, call]) => [id, call.state])) };
    for (const listener of listeners) listener(state);
  };
  const voiceOn = (call: ConsoleCall) => {
    const hand = state.hands.find((candidate) => candidate.studentId === call.studentId);
    call.voice.muted = !state.outLoud || hand?.muted === true;
  };

  const ensureCall = (studentId: number): ConsoleCall => {
    const existing = calls.get(studentId);
    if (existing) return existing;
    const voice = new Audio();
    voice.autoplay = true;
    const call: ConsoleCall = {
      studentId,
      state: 'connecting',
      voice,
      peer: startCall({
        iceServers,
        microphone,
        offerer: false,
        sendSignal: (signal) => socket.send({ type: 'signal', studentId, signal }),
        onRemoteAudio: (stream) => {
          voice.srcObject = stream;
          void voice.play().catch(() => undefined);
        },
        onState: (callState) => {
          call.state = callState;
          if (calls.has(studentId)) update({});
        },
      }),
    };
    calls.set(studentId, call);
    for (const signal of early.get(studentId)?.splice(0) ?? []) void call.peer.handle(signal);
    early.delete(studentId);
    voiceOn(call);
    return call;
  };
  const hangUp = (studentId: number) => {
    const call = calls.get(studentId);
    if (!call) return;
    calls.delete(studentId);
    call.peer.close();
    call.voice.srcObject = null;
  };

  const onMessage = (message: ServerMessage) => {
    if (message.type === 'welcome') {
      iceServers = message.iceServers;
      update({ phase: 'ready', maxAccepted: message.maxAccepted });
    } else if (message.type === 'queue') {
      state = { ...state, hands: message.hands, maxAccepted: message.maxAccepted };
      const mine = new Set(message.hands.filter((hand) => hand.state === 'accepted' && hand.mine).map((hand) => hand.studentId));
      for (const studentId of [...calls.keys()]) if (!mine.has(studentId)) hangUp(studentId);
      for (const studentId of mine) voiceOn(ensureCall(studentId));
      if (mine.size === 0 && microphone) {
        closeMicrophone(microphone);
        microphone = null;
      }
      update({});
    } else if (message.type === 'signal') {
      const call = calls.get(message.studentId);
      if (call) void call.peer.handle(message.signal).catch(() => update({ notice: 'hands.callFailed' }));
      else early.set(message.studentId, [...(early.get(message.studentId) ?? []), message.signal]);
    } else if (message.type === 'error') {
      update({ notice: errorWords[message.code] });
    }
  };

  const socket = openHandsSocket(lessonId, {
    message: onMessage,
    closed: (code) => {
      for (const studentId of [...calls.keys()]) hangUp(studentId);
      update({ phase: 'closed', notice: closeWords(code) });
    },
  });

  return {
    async accept(studentId) {
      // The teacher's microphone, so the student hears the answer; without one the call still carries the student's voice.
      if (!microphone) {
        const answer = await openMicrophone();
        if ('stream' in answer) microphone = answer.stream;
        else update({ notice: microphoneWords[answer.refused] });
      }
      socket.send({ type: 'accept', studentId });
    },
    mute: (studentId, muted) => socket.send({ type: 'mute', studentId, muted }),
    end: (studentId) => socket.send({ type: 'end', studentId }),
    setOutLoud(on) {
      state = { ...state, outLoud: on };
      for (const call of calls.values()) voiceOn(call);
      update({});
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
    call: (studentId) => calls.get(studentId)?.peer.connection,
    close() {
      for (const studentId of [...calls.keys()]) hangUp(studentId);
      closeMicrophone(microphone);
      socket.close();
    },
  };
}
