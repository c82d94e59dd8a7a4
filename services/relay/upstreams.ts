// The relay's upstreams (a province origin, its standby, or a parent relay) in the order they were
// configured. One that fails is set aside for a while and the next is used; it is tried again
// once its time is up, or sooner if every other one is down too.
export type UpstreamState = { url: string; up: boolean; downUntil: number; lastError?: string };

export type Upstreams = {
  /** Upstreams to try, healthy ones first, each in configured order. */
  ordered(): UpstreamState[];
  markDown(url: string, reason: string): void;
  markUp(url: string): void;
  states(): UpstreamState[];
};

export function createUpstreams(urls: readonly string[], retryMs: number, now: () => number = Date.now): Upstreams {
  if (urls.length === 0) throw new Error('relay.upstreams: a relay needs at least one upstream (--upstream URL)');
  const states: UpstreamState[] = urls.map((url) => ({ url: url.replace(/\/+$/, ''), up: true, downUntil: 0 }));
  const find = (url: string) => states.find((state) => state.url === url);
  return {
    ordered() {
      const time = now();
      for (const state of states) if (!state.up && state.downUntil <= time) state.up = true;
      return [...states.filter((state) => state.up), ...states.filter((state) => !state.up)];
    },
    markDown(url, reason) {
      const state = find(url);
      if (!state) return;
      state.up = false;
      state.downUntil = now() + retryMs;
      state.lastError = reason;
    },
    markUp(url) {
      const state = find(url);
      if (state) {
        state.up = true;
        state.downUntil = 0;
      }
    },
    states: () => states.map((state) => ({ ...state })),
  };
}
