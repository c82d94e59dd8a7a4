/** What every `startX(config)` returns: where it can be reached, and how to stop it. */
export type RunningRole = { urls: Record<string, string>; close(): Promise<void> };
