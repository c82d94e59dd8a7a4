// The frame of every page but the watch page: the header and the centred main column. Pages that
// need an account pass `allow`, and get a sign-in link or a refusal instead of their content.
import type { ComponentChildren } from 'preact';
import type { Account, Role } from './catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { SiteHeader } from './site-header.tsx';
import { useAccount } from './use-account.ts';

type Props = {
  title: string;
  /** Roles that may see the page; absent = anyone, signed in or not. */
  allow?: readonly Role[];
  children: (account: Account | null) => ComponentChildren;
};

export function PageFrame({ title, allow, children }: Props) {
  const state = useAccount();
  const account = state.status === 'ready' ? state.account : undefined;
  return (
    <>
      <SiteHeader account={account} />
      <main class="site-main">
        <h1>{title}</h1>
        {state.status === 'loading' && <p class="muted">{t('frame.loading')}</p>}
        {state.status === 'failed' && <p class="form-error" role="alert">{state.message}</p>}
        {state.status === 'ready' && <Gate allow={allow} account={state.account} render={children} />}
      </main>
    </>
  );
}

function Gate({ allow, account, render }: { allow: readonly Role[] | undefined; account: Account | null; render: Props['children'] }) {
  if (!allow) return <>{render(account)}</>;
  if (!account) {
    return (
      <p class="notice">
        {t('frame.staffOnly')} <a href={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>{t('header.signIn')}</a>
      </p>
    );
  }
  if (!allow.includes(account.role)) return <p class="notice">{t('frame.refused')}</p>;
  return <>{render(account)}</>;
}
