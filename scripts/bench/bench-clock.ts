// A benchmark's clock, started when it is first imported (at the start of the run): the seconds
// so far, and progress lines on stderr stamped with them, so stdout holds only the results.
const startedAt = performance.now();

export function elapsedSeconds(): number {
  return (performance.now() - startedAt) / 1000;
}

export function progress(message: string): void {
  process.stderr.write(`[${elapsedSeconds().toFixed(0).padStart(3)} s] ${message}\n`);
}
