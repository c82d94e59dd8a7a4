// What a failed API call tells the person using the page. The catalog answers errors as
// `{"error": {"status", "message", "hint"}}` in English (its logs and scripts read them too);
// anything else (a proxy's HTML page, a dropped connection) still becomes a sentence, never
// "[object Object]". On an English page the server's own words are shown; on a Chinese page the
// server's fixed sentences are said in Chinese (server-words.ts), and otherwise the status says what
// happened in Chinese, with the server's words kept only where they name the field or value at fault
// (400, 409, 422). Pure, so it is tested without a browser.
import { i18n, t } from '../i18n/i18n.ts';
import { serverPatterns, serverWords } from './server-words.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint: string | undefined,
    /** False when the message is ours (from the catalog), not the server's. */
    readonly fromServer = false,
  ) {
    super(message);
  }
}

/** The error a response with `status` and body text `text` stands for. */
export function parseApiError(status: number, text: string): ApiRequestError {
  const error = errorField(text);
  if (error && typeof error.message === 'string' && error.message !== '') {
    return new ApiRequestError(status, error.message, typeof error.hint === 'string' && error.hint !== '' ? error.hint : undefined, true);
  }
  return new ApiRequestError(status, fallbackMessage(status), undefined);
}

/** The error for a request that never got an answer (offline, server down). */
export function networkError(cause: unknown): ApiRequestError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ApiRequestError(0, `${t('error.network')} (${detail})`, t('error.networkHint'));
}

/** "message — hint", as shown next to a form, in the page's language. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : String(error);
  const inServerWords = error.hint ? `${error.message} — ${error.hint}` : error.message;
  if (!error.fromServer || i18n().locale === 'en') return inServerWords;
  const known = serverWords[error.message];
  if (known) return t(known);
  for (const { pattern, key } of serverPatterns) {
    const match = pattern.exec(error.message);
    if (match) return t(key, match.groups);
  }
  if (error.status === 409) return t('error.conflict', { detail: error.message });
  if (error.status === 400 || error.status === 422) return t('error.badRequest', { detail: error.message });
  return fallbackMessage(error.status);
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
  if (status === 401) return t('error.signInFirst');
  if (status === 403) return t('error.forbidden');
  if (status === 404) return t('error.notFound');
  if (status === 429) return t('error.tooMany');
  if (status >= 500) return t('error.serverFailed', { status });
  return t('error.refused', { status });
}
