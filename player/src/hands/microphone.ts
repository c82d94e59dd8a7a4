// The microphone for a raised-hand call, with the browser's echo cancellation and noise suppression
// (the console plays the student out loud in a room that may have its own speakers). A refusal is
// answered as a reason the page says in words.
export type MicrophoneAnswer = { stream: MediaStream } | { refused: 'denied' | 'missing' | 'unsupported' };

export async function openMicrophone(): Promise<MicrophoneAnswer> {
  if (!navigator.mediaDevices?.getUserMedia || typeof RTCPeerConnection === 'undefined') return { refused: 'unsupported' };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: false });
    return { stream };
  } catch (error) {
    const name = (error as DOMException).name;
    return { refused: name === 'NotFoundError' || name === 'OverconstrainedError' ? 'missing' : 'denied' };
  }
}

export function closeMicrophone(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
