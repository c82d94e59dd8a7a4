// What a benchmark has started and must stop, on success, on error and when interrupted.
export type Cleanup = {
  /** Registers `stop`; the returned function runs it (once) and forgets it. */
  add(stop: () => Promise<unknown>): () => Promise<void>;
  /** Runs every registered stop, newest first, and waits for them all. */
  runAll(): Promise<void>;
};

export function createCleanup(): Cleanup {
  const stops: Array<() => Promise<void>> = [];
  return {
    add(stop) {
      let done: Promise<void> | undefined;
      const once = () => {
        const index = stops.indexOf(once);
        if (index >= 0) stops.splice(index, 1);
        return (done ??= stop().then(() => undefined));
      };
      stops.push(once);
      return once;
    },
    async runAll() {
      for (const stop of [...stops].reverse()) await stop().catch((error: Error) => process.stderr.write(`cleanup failed: ${error.message}\n`));
    },
  };
}
