// A test's after-hook: stops what the test started, in the order given (the browser before the relay
// it plays from, the encoder before the ingest it pushes to, the database last), skipping what was
// never started. Every part is tried even if one before it fails, so a test file always ends.
type Stoppable = { close(): Promise<unknown> } | { stop(): Promise<unknown> };

export async function stopAll(...parts: Array<Stoppable | undefined>): Promise<void> {
  const failures: unknown[] = [];
  for (const part of parts) {
    if (!part) continue;
    try {
      await ('stop' in part ? part.stop() : part.close());
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} part(s) did not stop cleanly`);
}
