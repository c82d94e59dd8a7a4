// The bar at the top of every page: the brand, the pages this account may use, the language menu,
// who is signed in and a sign-out button (or a sign-in link).
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import type { Account } from './catalog-types.ts';
import { api } from './api-client.ts';
import { describeError } from './api-error.ts';
import { LanguageSwitcher } from './language-switcher.tsx';
import { navLinks, roleName } from './role-links.ts';

export function SiteHeader({ account }: { account: Account | null | undefined }) {
  const here = location.pathname;
  return (
    <header class={account ? 'site-header has-account' : 'site-header'}>
      <a class="brand" href="/">
        {t('brand.name')}
      </a>
      <nav class="site-nav" aria-label={t('header.pages')}>
        {navLinks(account?.role ?? null).map((link) => (
          <a key={link.href} href={link.href} aria-current={here === link.href ? 'page' : undefined}>
            {link.label}
          </a>
        ))}
      </nav>
      <div class="site-account">
        <LanguageSwitcher />
        {account === undefined || here === '/login' ? null : account ? <SignedIn account={account} /> : <a href={`/login?next=${encodeURIComponent(here)}`}>{t('header.signIn')}</a>}
      </div>
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
        {account.displayName} <span class="muted">({roleName(account.role)})</span>
      </span>
      <button type="button" class="button button-quiet" onClick={signOut}>
        {t('header.signOut')}
      </button>
      {error && <span class="form-error" role="alert">{error}</span>}
    </>
  );
}
