import type { ReactNode } from 'react';
import type { Loaded } from '../lib/use-load.ts';
import { ErrorText, Loading } from './status.tsx';

/** Shows loading or the error of a load, else renders the data (kept on screen while reloading). */
export function LoadState<T>({ load, what, children }: { readonly load: Loaded<T>; readonly what?: string; readonly children: (data: T) => ReactNode }) {
  if (load.data !== undefined) return <>{load.error && <ErrorText message={load.error.message} />}{children(load.data)}</>;
  if (load.error) return <ErrorText message={load.error.message} />;
  return <Loading what={what} />;
}
