// What a failed API call tells the person using the page. The catalog answers errors as
// `{"error": {"status", "message", "hint"}}`; anything else (a proxy's HTML page, a dropped
// connection) still becomes a sentence, never "[object Object]". Pure, so it is tested without a browser.

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint: string | undefined,
  ) {
    super(message);
  }
}

/** The error a response with `status` and body text `text` stands for. */
export function parseApiError(status: number, text: string): ApiRequestError {
  const error = errorField(text);
  if (error && typeof error.message === 'string' && error.message !== '') {
    return new ApiRequestError(status, error.message, typeof error.hint === 'string' && error.hint !== '' ? error.hint : undefined);
  }
  return new ApiRequestError(status, fallbackMessage(status), undefined);
}

/** The error for a request that never got an answer (offline, server down). */
export function networkError(cause: unknown): ApiRequestError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ApiRequestError(0, `Could not reach the server (${detail}).`, 'Check the connection and try again.');
}

/** "message — hint", as shown next to a form. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) return error.hint ? `${error.message} — ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

function errorField(text: string): { message?: unknown; hint?: unknown } | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
    const error = (body as { error: unknown }).error;
    return typeof error === 'object' && error !== null ? (error as { message?: unknown; hint?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Sign in first.';
  if (status === 403) return 'Your account may not do this.';
  if (status === 404) return 'Not found.';
  if (status >= 500) return `The server failed (HTTP ${status}). Try again in a moment.`;
  return `The server refused the request (HTTP ${status}).`;
}
