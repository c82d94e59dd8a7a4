// One upstream fetch shared by every viewer who asks for the same object while it is under way
// (single flight). Bytes are kept as they arrive, so a viewer who joins late gets everything from
// the start and then the rest as it comes.
import type { UpstreamHeaders } from './upstream-fetch.ts';

export type FlightResult =
  | { status: 'complete'; headers: UpstreamHeaders; body: Buffer }
  | { status: 'not-found' }
  | { status: 'failed'; reason: string };

export type FlightListener = {
  onHeaders(headers: UpstreamHeaders): void;
  onChunk(chunk: Buffer): void;
  onEnd(result: FlightResult): void;
};

export type Flight = {
  /** Replays what has arrived so far to the listener, then keeps it informed. Returns an unsubscribe. */
  join(listener: FlightListener): () => void;
  result: Promise<FlightResult>;
  /** Called by the fetcher. */
  headers(headers: UpstreamHeaders): void;
  chunk(chunk: Buffer): void;
  /** The whole object arrived (and passed its checks). */
  complete(): void;
  /** It did not: not found, or failed for a reason. */
  end(result: Exclude<FlightResult, { status: 'complete' }>): void;
};

export function createFlight(): Flight {
  const chunks: Buffer[] = [];
  let headers: UpstreamHeaders | undefined;
  let ended: FlightResult | undefined;
  const listeners = new Set<FlightListener>();
  let settle: (result: FlightResult) => void = () => {};
  const result = new Promise<FlightResult>((resolve) => (settle = resolve));
  return {
    result,
    join(listener) {
      if (headers) listener.onHeaders(headers);
      for (const chunk of chunks) listener.onChunk(chunk);
      if (ended) {
        listener.onEnd(ended);
        return () => {};
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    headers(value) {
      headers = value;
      for (const listener of listeners) listener.onHeaders(value);
    },
    chunk(chunk) {
      chunks.push(chunk);
      for (const listener of listeners) listener.onChunk(chunk);
    },
    complete() {
      finish({ status: 'complete', headers: headers!, body: Buffer.concat(chunks) });
    },
    end: (value) => finish(value),
  };

  function finish(value: FlightResult): void {
    ended = value;
    for (const listener of listeners) listener.onEnd(value);
    listeners.clear();
    settle(value);
  }
}
