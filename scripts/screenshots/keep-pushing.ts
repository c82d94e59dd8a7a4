// An encoder that reconnects, as OBS and classroom boxes do: when ffmpeg exits (refused because a
// new classroom's key has not reached the ingest's key list yet, which takes up to
// catalog.keyRefreshSeconds), it starts again a second later, until stopped.
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

export type ReconnectingEncoder = {
  /** The ffmpeg pushing now (or the last one, once stopped). */
  readonly current: DemoEncoder;
  /** How many times ffmpeg has been started. */
  readonly attempts: number;
  stop(): Promise<void>;
};

export function keepPushing(start: () => DemoEncoder): ReconnectingEncoder {
  let stopped = false;
  let current = start();
  let attempts = 1;
  void (async () => {
    while (!stopped) {
      await current.exited;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (stopped) return;
      current = start();
      attempts += 1;
    }
  })();
  return {
    get current() {
      return current;
    },
    get attempts() {
      return attempts;
    },
    async stop() {
      stopped = true;
      await current.stop();
    },
  };
}
