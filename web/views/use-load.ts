import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.ts';

/** Loads `path` from the API whenever `reloadKey` changes; a failure goes to the status line. */
export function useLoad<T>(path: string, reloadKey: number): T | null {
  const { api, fail } = useApp();
  const [data, setData] = useState<T | null>(null);
  useEffect(() => {
    let current = true;
    api<T>('GET', path)
      .then((loaded) => current && setData(loaded))
      .catch((error: unknown) => current && fail(error));
    return () => {
      current = false;
    };
  }, [path, reloadKey]);
  return data;
}
