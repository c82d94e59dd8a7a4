// /setup?token=…: the first start. With the one-time token the server logged, the person installing
// Classcast makes the first operator account and is signed in as it. Once an operator exists the
// page says so and points to sign-in, instead of a form the API would refuse.
import { useState } from 'preact/hooks';
import { api } from '../shared/api-client.ts';
import { Field, FormError, useSubmit } from '../shared/forms.tsx';
import { PageFrame } from '../shared/page-frame.tsx';
import { useApiData } from '../shared/use-api-data.ts';

const text = {
  checking: 'Checking whether Classcast is set up…',
  done: 'Classcast is set up already: its first operator account exists, and this setup link no longer works.',
  signIn: 'Sign in',
  askOperator: 'If you have no account, ask an operator for one.',
};

export function SetupPage() {
  return <PageFrame title="Set up Classcast">{() => <SetupOrDone />}</PageFrame>;
}

function SetupOrDone() {
  const status = useApiData<{ needsSetup: boolean }>('/setup/status');
  // A status that failed to load leaves the form: the API still refuses a setup that is done.
  if (!status.data && !status.error) return <p class="muted">{text.checking}</p>;
  if (status.data?.needsSetup === false) {
    return (
      <div class="card form narrow" data-setup-done>
        <p>{text.done}</p>
        <p>
          <a class="button button-primary" href="/login">
            {text.signIn}
          </a>
        </p>
        <p class="muted">{text.askOperator}</p>
      </div>
    );
  }
  return <SetupForm />;
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
