import type { z } from 'zod';

/** Thrown for configuration that cannot start; the message names the option and what to do. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Turns zod's issues into one line per option, e.g. `http.port: expected a number <= 65535`. */
export function describeIssues(error: z.ZodError, source: string): string {
  const lines = error.issues.map((issue) => {
    const option = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const got = 'input' in issue && issue.input !== undefined && typeof issue.input !== 'object' ? ` (got ${JSON.stringify(issue.input)})` : '';
    return `  ${option}: ${issue.message}${got}`;
  });
  return `invalid configuration (${source}):\n${lines.join('\n')}`;
}
