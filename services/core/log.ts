// Structured logs: one JSON line per event on stderr, with the role and node that wrote it.
// Quiet by default (info); debug is for chasing a problem.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type Logger = {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
};

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Whether an event at `level` is written when the threshold is `threshold` (also a worker thread logging through its parent). */
export function logsAt(level: LogLevel, threshold: LogLevel): boolean {
  return rank[level] >= rank[threshold];
}

let threshold: LogLevel = 'info';
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** The level below which events are dropped: a worker thread logging through its parent uses the same one. */
export function logLevel(): LogLevel {
  return threshold;
}

/** Lets a test or tool capture log lines; returns a function restoring the previous sink. */
export function setLogSink(next: (line: string) => void): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

export function createLogger(base: LogFields = {}): Logger {
  const write = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (!logsAt(level, threshold)) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields }, errorReplacer));
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

/** JSON.stringify's replacer for log fields: an Error becomes its name and message. */
export function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
