// The page's side of the raised-hand signalling: one WebSocket to /hands?lesson=<id> on the page's
// own server (the session cookie goes with it), typed messages both ways, and the close code the
// server ended it with, so the page can say why in words.
import { handsSocketUrl, type ClientMessage, type ServerMessage } from './hands-protocol.ts';

export type HandsSocket = { send(message: ClientMessage): void; close(): void };

export type HandsSocketEvents = {
  message(message: ServerMessage): void;
  /** The connection ended: `code` is the server's (handsCloseCodes) or the browser's (1006: lost). */
  closed(code: number): void;
};

export function openHandsSocket(lessonId: string, events: HandsSocketEvents): HandsSocket {
  const socket = new WebSocket(handsSocketUrl(location, lessonId));
  let closedByPage = false;
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(event.data) as ServerMessage;
    } catch {
      return;
    }
    events.message(message);
  });
  socket.addEventListener('close', (event) => {
    if (!closedByPage) events.closed(event.code);
  });
  return {
    send(message) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    close() {
      closedByPage = true;
      socket.close(1000);
    },
  };
}
