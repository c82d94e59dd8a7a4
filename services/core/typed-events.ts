// A small typed event emitter: a part announces what happened (a transcoder's progress, its exit)
// and whoever cares subscribes, so the part that announces imports none of its listeners (the way
// PeerTube's muxing session emits its events; STYLE.md). Listeners run at once, in the order they
// subscribed, and must not throw: they are told, they do not answer.

/** What a subscriber sees: `on` returns the function that unsubscribes. */
export type TypedEvents<Events> = {
  on<Name extends keyof Events>(name: Name, listener: (payload: Events[Name]) => void): () => void;
};

export type TypedEmitter<Events> = TypedEvents<Events> & {
  emit<Name extends keyof Events>(name: Name, payload: Events[Name]): void;
};

export function createEmitter<Events>(): TypedEmitter<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(name, payload) {
      for (const listener of [...(listeners.get(name) ?? [])]) (listener as (payload: Events[typeof name]) => void)(payload);
    },
  };
}
