// What a refused post or vote tells the viewer, in the page's language. The catalog answers in
// English with fixed sentences (services/catalog/api/routes/qa-routes.ts); the numbers in them (how
// long to wait, the longest post) are carried over. Pure, so it is tested without a browser.
import { describeError, ApiRequestError } from '../shared/api-error.ts';
import { t } from '../i18n/i18n.ts';

export function qaErrorText(error: unknown): string {
  if (!(error instanceof ApiRequestError) || !error.fromServer) return describeError(error);
  const message = error.message;
  const number = (pattern: RegExp) => Number(pattern.exec(message)?.[1] ?? 0);
  if (error.status === 413) return t('qa.error.tooLong', { max: number(/at most (\d+)/) });
  if (error.status === 429 && message.startsWith('slow mode')) return t('qa.error.slowMode', { seconds: number(/wait (\d+) s/) });
  if (error.status === 429) return t('qa.error.tooFast', { seconds: number(/wait (\d+) s/) });
  if (error.status === 403 && message.includes('muted you')) return t('qa.error.muted');
  if (error.status === 403 && message.includes('closed questions')) return t('qa.error.closed');
  if (error.status === 409 && message.includes('has ended')) return t('qa.error.ended');
  if (error.status === 401) return t('qa.error.signIn');
  return describeError(error);
}
