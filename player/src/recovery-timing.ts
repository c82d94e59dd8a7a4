// How patiently the watch page retries. Both engines (hls.js and the browser's own HLS) use these.

/** Wait between attempts to load a lesson that has not started yet or cannot be reached. */
export const retryDelayMs = 3000;

/**
 * After rebuilding the media pipeline for a decoding error, another decoding error this soon means
 * the rebuild did not help: it is shown to the viewer instead of retried.
 */
export const mediaRecoveryWindowMs = 30_000;
