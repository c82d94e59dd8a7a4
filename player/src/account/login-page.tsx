// /login: username and password; on success the page goes to ?next= or the account's own page.
import { useState } from 'preact/hooks';
import type { Account } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { Field, FormError, useSubmit } from '../shared/forms.tsx';
import { PageFrame } from '../shared/page-frame.tsx';
import { homeFor, safeNext } from '../shared/role-links.ts';

export function LoginPage() {
  return <PageFrame title="Sign in">{() => <LoginForm />}</PageFrame>;
}

function LoginForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit();
  const signIn = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const { account } = await api.post<{ account: Account }>('/auth/login', { username, password });
      location.assign(safeNext(new URLSearchParams(location.search).get('next')) ?? homeFor(account.role));
    });
  };
  return (
    <form class="card form narrow" onSubmit={signIn}>
      <Field label="Username">
        <input name="username" autocomplete="username" required value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
      </Field>
      <Field label="Password">
        <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </Field>
      <FormError message={submit.error} />
      <button class="button button-primary" type="submit" disabled={submit.busy}>
        {submit.busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
