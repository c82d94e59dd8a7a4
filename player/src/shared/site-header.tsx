// The bar at the top of every page: the brand, the pages this account may use, who is signed in
// and a sign-out button (or a sign-in link).
import { useState } from 'preact/hooks';
import type { Account } from './catalog-types.ts';
import { api } from './api-client.ts';
import { describeError } from './api-error.ts';
import { navLinks, roleNames } from './role-links.ts';

export function SiteHeader({ account }: { account: Account | null | undefined }) {
  const here = location.pathname;
  return (
    <header class={account ? 'site-header has-account' : 'site-header'}>
      <a class="brand" href="/">Classcast</a>
      <nav class="site-nav" aria-label="Pages">
        {navLinks(account?.role ?? null).map((link) => (
          <a key={link.href} href={link.href} aria-current={here === link.href ? 'page' : undefined}>
            {link.label}
          </a>
        ))}
      </nav>
      <div class="site-account">{account === undefined || here === '/login' ? null : account ? <SignedIn account={account} /> : <a href={`/login?next=${encodeURIComponent(here)}`}>Sign in</a>}</div>
    </header>
  );
}

function SignedIn({ account }: { account: Account }) {
  const [error, setError] = useState('');
  const signOut = async () => {
    try {
      await api.post('/auth/logout');
      location.assign('/');
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <>
      <span class="signed-in" data-account={account.username}>
        {account.displayName} <span class="muted">({roleNames[account.role]})</span>
      </span>
      <button type="button" class="button button-quiet" onClick={signOut}>
        Sign out
      </button>
      {error && <span class="form-error" role="alert">{error}</span>}
    </>
  );
}
