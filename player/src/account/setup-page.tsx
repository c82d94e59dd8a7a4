// /setup?token=…: the first start. With the one-time token the server logged, the person installing
// Classcast makes the first operator account and is signed in as it.
import { useState } from 'preact/hooks';
import { api } from '../shared/api-client.ts';
import { Field, FormError, useSubmit } from '../shared/forms.tsx';
import { PageFrame } from '../shared/page-frame.tsx';

export function SetupPage() {
  return <PageFrame title="Set up Classcast">{() => <SetupForm />}</PageFrame>;
}

function SetupForm() {
  const [token, setToken] = useState(() => new URLSearchParams(location.search).get('token') ?? '');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const submit = useSubmit();
  const create = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      if (password !== repeat) throw new Error('The two passwords differ. Type the same password twice.');
      await api.post('/setup', { token, username, password, displayName });
      location.assign('/admin');
    });
  };
  return (
    <form class="card form narrow" onSubmit={create}>
      <p class="muted">Create the first operator account. The setup token is in the server's log (event “setup token”); it works once.</p>
      <Field label="Setup token">
        <input name="token" required value={token} onInput={(event) => setToken(event.currentTarget.value)} />
      </Field>
      <Field label="Username">
        <input name="username" autocomplete="username" required value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
      </Field>
      <Field label="Your name">
        <input name="displayName" autocomplete="name" required value={displayName} onInput={(event) => setDisplayName(event.currentTarget.value)} />
      </Field>
      <Field label="Password (at least 10 characters)">
        <input name="password" type="password" autocomplete="new-password" required minLength={10} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </Field>
      <Field label="Password again">
        <input name="repeat" type="password" autocomplete="new-password" required value={repeat} onInput={(event) => setRepeat(event.currentTarget.value)} />
      </Field>
      <FormError message={submit.error} />
      <button class="button button-primary" type="submit" disabled={submit.busy}>
        {submit.busy ? 'Creating…' : 'Create the operator'}
      </button>
    </form>
  );
}
