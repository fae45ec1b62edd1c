import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Loads again (after a change), keeping the current data on screen meanwhile; settles when the new data is shown. */
  reload(): Promise<void>;
}

/** Loads data for a page; a newer load or leaving the page cancels the older request. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef<string>(undefined);
  const waiting = useRef<(() => void)[]>([]);
  const key = JSON.stringify(deps);
  useEffect(() => {
    const controller = new AbortController();
    // A reload keeps the data on screen; loading something else must not show the old thing.
    const sameThing = lastKey.current === key;
    lastKey.current = key;
    setState((s) => ({ data: sameThing ? s.data : undefined, loading: true }));
    const settle = (next: { data?: T; error?: Error }) => {
      if (controller.signal.aborted) return;
      setState({ ...next, loading: false });
      const done = waiting.current;
      waiting.current = [];
      done.forEach((resolve) => resolve());
    };
    loadRef.current(controller.signal).then((data) => settle({ data }), (error: Error) => settle({ error }));
    return () => controller.abort();
  }, [key, version]);
  const reload = useCallback(() => new Promise<void>((resolve) => {
    waiting.current.push(resolve);
    setVersion((v) => v + 1);
  }), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · xnat-ts` : 'xnat-ts';
  }, [title]);
}
