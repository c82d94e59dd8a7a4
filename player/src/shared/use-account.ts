// Who is signed in, asked once per page load from GET /auth/me (401 means nobody).
import { useEffect, useState } from 'preact/hooks';
import type { Account } from './catalog-types.ts';
import { api } from './api-client.ts';
import { ApiRequestError, describeError } from './api-error.ts';

export type AccountState =
  | { status: 'loading' }
  | { status: 'ready'; account: Account | null }
  | { status: 'failed'; message: string };

export function useAccount(): AccountState {
  const [state, setState] = useState<AccountState>({ status: 'loading' });
  useEffect(() => {
    api
      .get<{ account: Account }>('/auth/me')
      .then(({ account }) => setState({ status: 'ready', account }))
      .catch((error: unknown) => {
        if (error instanceof ApiRequestError && error.status === 401) setState({ status: 'ready', account: null });
        else setState({ status: 'failed', message: describeError(error) });
      });
  }, []);
  return state;
}
