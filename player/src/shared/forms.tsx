// Small pieces every form on the pages shares: a labelled field, the API's error shown next to the
// form, and a submit hook that tracks "busy" and the error of the last attempt.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { describeError } from './api-error.ts';

export function Field({ label, children, wide }: { label: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <label class={wide ? 'field field-wide' : 'field'}>
      <span class="field-label">{label}</span>
      {children}
    </label>
  );
}

export function FormError({ message }: { message: string }) {
  return message ? (
    <p class="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

export type Submit = { busy: boolean; error: string; run(action: () => Promise<void>): Promise<boolean>; clear(): void };

/** Runs one action at a time; `run` answers whether it succeeded, and keeps the error to show when not. */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return {
    busy,
    error,
    clear: () => setError(''),
    async run(action) {
      setBusy(true);
      setError('');
      try {
        await action();
        return true;
      } catch (failure) {
        setError(describeError(failure));
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}
