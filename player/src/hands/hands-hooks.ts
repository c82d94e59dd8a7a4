// `window.classcastHands`: what end-to-end tests and the latency benchmark read from a page with a
// raised-hand button or a console (the calls' RTCPeerConnections, for getStats()).
import type { StudentHand } from './student-hand.ts';
import type { ConsoleHands } from './console-hands.ts';

export type ClasscastHandsHooks = { student?: StudentHand; console?: ConsoleHands };

declare global {
  interface Window {
    classcastHands?: ClasscastHandsHooks;
  }
}

export function exposeHandsHooks(hooks: ClasscastHandsHooks): void {
  window.classcastHands = { ...window.classcastHands, ...hooks };
}
