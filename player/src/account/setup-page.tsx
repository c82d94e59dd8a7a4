// /setup?token=…: the first start. With the one-time token the server logged, the person installing
// Classcast makes the first operator account and is signed in as it. Once an operator exists the
// page says so and points to sign-in, instead of a form the API would refuse.
import { useState } from 'preact/hooks';
import { i18n, t } from '../i18n/i18n.ts';
import { api } from '../shared/api-client.ts';
import { Field, FormError, useSubmit } from '../shared/forms.tsx';
import { PageFrame } from '../shared/page-frame.tsx';
import { useApiData } from '../shared/use-api-data.ts';

export function SetupPage() {
  return <PageFrame title={t('page.setup')}>{() => <SetupOrDone />}</PageFrame>;
}

function SetupOrDone() {
  const status = useApiData<{ needsSetup: boolean }>('/setup/status');
  // A status that failed to load leaves the form: the API still refuses a setup that is done.
  if (!status.data && !status.error) return <p class="muted">{t('setup.checking')}</p>;
  if (status.data?.needsSetup === false) {
    return (
      <div class="card form narrow" data-setup-done>
        <p>{t('setup.done')}</p>
        <p>
          <a class="button button-primary" href="/login">
            {t('setup.signIn')}
          </a>
        </p>
        <p class="muted">{t('setup.askOperator')}</p>
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
      if (password !== repeat) throw new Error(t('setup.mismatch'));
      await api.post('/setup', { token, username, password, displayName, locale: i18n().locale });
      location.assign('/admin');
    });
  };
  return (
    <form class="card form narrow" onSubmit={create}>
      <p class="muted">{t('setup.intro')}</p>
      <Field label={t('setup.token')}>
        <input name="token" required value={token} onInput={(event) => setToken(event.currentTarget.value)} />
      </Field>
      <Field label={t('field.username')}>
        <input name="username" autocomplete="username" required value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
      </Field>
      <Field label={t('setup.displayName')}>
        <input name="displayName" autocomplete="name" required value={displayName} onInput={(event) => setDisplayName(event.currentTarget.value)} />
      </Field>
      <Field label={t('setup.password')}>
        <input name="password" type="password" autocomplete="new-password" required minLength={10} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </Field>
      <Field label={t('setup.repeat')}>
        <input name="repeat" type="password" autocomplete="new-password" required value={repeat} onInput={(event) => setRepeat(event.currentTarget.value)} />
      </Field>
      <FormError message={submit.error} />
      <button class="button button-primary" type="submit" disabled={submit.busy}>
        {submit.busy ? t('setup.busy') : t('setup.submit')}
      </button>
    </form>
  );
}
