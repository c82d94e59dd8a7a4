// Loads one API resource for a component, again on `reload()` and, when asked, every `refreshMs`
// (the school page's encoder status). A refresh that fails keeps the last data and shows the error.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api-client.ts';
import { describeError } from './api-error.ts';

export type ApiData<T> = { data: T | undefined; error: string; reload(): void };

/** `path` null means "nothing to load yet" (a picker with no choice). */
export function useApiData<T>(path: string | null, refreshMs?: number): ApiData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState('');
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  // Another resource (another school picked): drop the old one's data rather than show it as this one's.
  useEffect(() => {
    setData(undefined);
    setError('');
  }, [path]);

  useEffect(() => {
    if (path === null) return;
    let current = true;
    const load = () =>
      api
        .get<T>(path)
        .then((value) => {
          if (!current) return;
          setData(value);
          setError('');
        })
        .catch((failure: unknown) => current && setError(describeError(failure)));
    void load();
    const timer = refreshMs ? setInterval(() => void load(), refreshMs) : undefined;
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [path, refreshMs, generation]);

  return { data, error, reload };
}
