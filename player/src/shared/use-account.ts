// Who is signed in, asked once per page load from GET /auth/me (401 means nobody); a page drawn in
// another language than the account chose is drawn again in the account's.
import { useEffect, useState } from 'preact/hooks';
import type { Account } from './catalog-types.ts';
import { api } from './api-client.ts';
import { ApiRequestError, describeError } from './api-error.ts';
import { followAccountLocale } from '../i18n/language-choice.ts';

export type AccountState =
  | { status: 'loading' }
  | { status: 'ready'; account: Account | null }
  | { status: 'failed'; message: string };

export function useAccount(): AccountState {
  const [state, setState] = useState<AccountState>({ status: 'loading' });
  useEffect(() => {
    api
      .get<{ account: Account }>('/auth/me')
      .then(({ account }) => {
        followAccountLocale(account.locale);
        setState({ status: 'ready', account });
      })
      .catch((error: unknown) => {
        if (error instanceof ApiRequestError && error.status === 401) setState({ status: 'ready', account: null });
        else setState({ status: 'failed', message: describeError(error) });
      });
  }, []);
  return state;
}
