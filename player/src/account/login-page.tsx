// /login: username and password; on success the page goes to ?next= or the account's own page.
import { useState } from 'preact/hooks';
import type { Account } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { rememberLocale } from '../i18n/language-choice.ts';
import { isLocale } from '../i18n/locales.ts';
import { api } from '../shared/api-client.ts';
import { ApiRequestError } from '../shared/api-error.ts';
import { Field, FormError, useSubmit } from '../shared/forms.tsx';
import { PageFrame } from '../shared/page-frame.tsx';
import { homeFor, safeNext } from '../shared/role-links.ts';

export function LoginPage() {
  return <PageFrame title={t('page.login')}>{() => <LoginForm />}</PageFrame>;
}

function LoginForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit();
  const signIn = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const { account } = await api.post<{ account: Account }>('/auth/login', { username, password }).catch((error: unknown) => {
        // The server says "wrong username or password" with a 401, which elsewhere means "sign in first".
        throw error instanceof ApiRequestError && error.status === 401 ? new Error(t('login.wrong')) : error;
      });
      // The account's language, when it chose one, is this browser's from now on.
      if (isLocale(account.locale)) rememberLocale(account.locale);
      location.assign(safeNext(new URLSearchParams(location.search).get('next')) ?? homeFor(account.role));
    });
  };
  return (
    <form class="card form narrow" onSubmit={signIn}>
      <Field label={t('login.username')}>
        <input name="username" autocomplete="username" required value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
      </Field>
      <Field label={t('login.password')}>
        <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </Field>
      <FormError message={submit.error} />
      <button class="button button-primary" type="submit" disabled={submit.busy}>
        {submit.busy ? t('login.busy') : t('login.submit')}
      </button>
    </form>
  );
}
