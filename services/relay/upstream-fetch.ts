// Fetches one object from the upstreams, streaming its bytes out as they arrive. An upstream that
// errors, answers 5xx, sends no first byte or stalls mid-body within the bounds is marked down and
// the next one is asked; a body cut short continues from the standby with a Range request, so
// waiting viewers never see the object start over. A 404 only says this upstream does not carry the
// object (upstreams may carry different lessons): the next one is asked, and the answer is 404 only
// when every upstream said so.
import type { Logger } from '../core/log.ts';
import { protectedHeader } from '../media-http/playback-guard.ts';
import type { LessonUpstreams } from './lesson-upstreams.ts';
import type { RelayStats } from './relay-stats.ts';
import type { Upstreams } from './upstreams.ts';

/** `protected`: upstream marked the object as a protected lesson's (X-Classcast-Protected), so viewers need a token. */
export type UpstreamHeaders = { contentType: string; cacheControl: string; contentLength?: number; protected?: boolean };

export type FetchSink = { onHeaders(headers: UpstreamHeaders): void; onChunk(chunk: Buffer): void };

export type FetchOutcome = { status: 'ok'; upstream: string } | { status: 'not-found' };

export type FetchLimits = { firstByteTimeoutMs: number; stallTimeoutMs: number };

export class UpstreamsFailedError extends Error {
  override name = 'UpstreamsFailedError';
}

/** Thrown by a sink that saw the object is broken before passing any of it on: start it afresh elsewhere. */
export class ObjectRejectedError extends Error {
  override name = 'ObjectRejectedError';
}

/**
 * Thrown by a sink that saw the object exceed the relay's size bound (object-check.ts): the fetch
 * stops at once and no other upstream is asked, since the object is refused whoever sends it.
 */
export class ObjectTooLargeError extends Error {
  override name = 'ObjectTooLargeError';
}

/**
 * `requestHeaders` go with every upstream request (the relay's own playback token); `carriers`
 * puts the upstream that carries the object's lesson first and learns from who answers.
 */
export async function fetchFromUpstreams(
  path: string,
  upstreams: Upstreams,
  limits: FetchLimits,
  sink: FetchSink,
  stats: RelayStats,
  log: Logger,
  requestHeaders: Record<string, string> = {},
  carriers?: LessonUpstreams,
): Promise<FetchOutcome> {
  let received = 0;
  let total: number | undefined;
  const failures: string[] = [];
  const notFound: string[] = [];
  const order = carriers ? carriers.order(path, upstreams.ordered()) : upstreams.ordered();
  for (const [index, upstream] of order.entries()) {
    // Once a healthy upstream said 404, one already known to be down is not waited for: the object
    // is simply not carried anywhere that answers (a lesson not started yet while a node is dead).
    if (!upstream.up && notFound.length > 0 && failures.length === 0) break;
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(new Error(`no response within ${limits.firstByteTimeoutMs} ms`)), limits.firstByteTimeoutMs);
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error(`stalled: no bytes for ${limits.stallTimeoutMs} ms`)), limits.stallTimeoutMs);
    };
    try {
      stats.upstreamRequests++;
      const response = await fetch(upstream.url + path, {
        signal: controller.signal,
        headers: received > 0 ? { ...requestHeaders, range: `bytes=${received}-` } : requestHeaders,
        redirect: 'error',
      });
      if (response.status === 404) {
        await response.body?.cancel();
        // It answered, so it is up; it just does not carry this object.
        upstreams.markUp(upstream.url);
        notFound.push(upstream.url);
        if (index < order.length - 1) stats.upstreamNotFound++;
        continue;
      }
      if (received > 0 ? response.status !== 206 || !continuesAt(response.headers.get('content-range'), received) : response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}${received > 0 ? ' to a range request' : ''}`);
      }
      if (received === 0) {
        const length = Number(response.headers.get('content-length'));
        total = Number.isFinite(length) && response.headers.has('content-length') ? length : undefined;
        sink.onHeaders({
          contentType: response.headers.get('content-type') ?? 'application/octet-stream',
          cacheControl: response.headers.get('cache-control') ?? 'public, max-age=1',
          ...(total !== undefined ? { contentLength: total } : {}),
          ...(response.headers.get(protectedHeader) === '1' ? { protected: true } : {}),
        });
      }
      rearm();
      const reader = response.body!.getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        rearm();
        const bytes = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        stats.bytesFromUpstream += bytes.length;
        sink.onChunk(bytes);
        received += bytes.length;
      }
      if (total !== undefined && received !== total) throw new Error(`body cut short at ${received} of ${total} bytes`);
      upstreams.markUp(upstream.url);
      carriers?.answered(path, upstream.url, notFound.length > 0);
      return { status: 'ok', upstream: upstream.url };
    } catch (error) {
      if (error instanceof ObjectTooLargeError) {
        controller.abort(); // Stops the upstream sending the rest.
        stats.oversized++;
        log.warn('upstream object too large', { upstream: upstream.url, path, reason: error.message, receivedBytes: received });
        throw error;
      }
      // Nothing of a rejected object was passed on, so the next upstream starts it from the beginning.
      if (error instanceof ObjectRejectedError) received = 0;
      const reason = controller.signal.aborted ? String((controller.signal.reason as Error)?.message ?? 'aborted') : (error as Error).message;
      stats.upstreamFailures++;
      if (error instanceof ObjectRejectedError) stats.rejected++;
      failures.push(`${upstream.url}: ${reason}`);
      upstreams.markDown(upstream.url, reason);
      log.warn('upstream failed', { upstream: upstream.url, path, reason, receivedBytes: received });
      controller.abort(); // Releases the connection of a response we stopped reading.
    } finally {
      clearTimeout(timer);
    }
  }
  // An upstream that failed may carry the object, so 404 only when every one of them said 404.
  if (failures.length === 0) return { status: 'not-found' };
  const notCarried = notFound.map((url) => `${url}: HTTP 404`);
  throw new UpstreamsFailedError(`every upstream failed for ${path}: ${[...failures, ...notCarried].join('; ')}`);
}

/** True when a Content-Range header (`bytes start-end/total`) starts where we stopped. */
function continuesAt(contentRange: string | null, offset: number): boolean {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(contentRange ?? '');
  return match !== null && Number(match[1]) === offset;
}
