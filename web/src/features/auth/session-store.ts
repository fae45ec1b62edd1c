import { useSyncExternalStore } from 'react';
import { call, getText, onSessionExpired, setCsrfToken } from '../../xnat/http.ts';

/** Who is logged in. The server puts it in the page (see server/src/http/web/index-page.ts) with the CSRF token. */
export interface SessionState {
  readonly login: string | null;
  readonly requireLogin: boolean;
  /** False until we know (only when the page came without the server's bootstrap, e.g. the Vite dev server). */
  readonly known: boolean;
}

declare global {
  interface Window {
    csrfToken?: string;
    xnatTsSession?: { login: string | null; requireLogin: boolean };
  }
}

let state: SessionState = {
  login: window.xnatTsSession?.login ?? null,
  requireLogin: window.xnatTsSession?.requireLogin ?? true,
  known: window.xnatTsSession !== undefined,
};
setCsrfToken(window.csrfToken ?? '');

const listeners = new Set<() => void>();
function update(next: Partial<SessionState>) {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export function useSession(): SessionState {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, () => state);
}

// Any API call answered 401 means the login session ended: show the login form in place.
onSessionExpired(() => {
  setCsrfToken('');
  update({ login: null, known: true });
});

/** `User 'x' is logged in; XNAT_CSRF=token` → login and token. */
async function readLoggedInUser(): Promise<void> {
  const text = await getText('/data/auth', { CSRF: 'true' });
  const login = /User '([^']+)' is logged in/.exec(text)?.[1] ?? null;
  setCsrfToken(/XNAT_CSRF=([\w-]+)/.exec(text)?.[1] ?? '');
  update({ login, known: true });
}

/** Logs in with the same call xnatpy uses (POST /data/services/auth); the server sets JSESSIONID. */
export async function logIn(username: string, password: string): Promise<void> {
  await call('POST', '/data/services/auth', {
    body: new URLSearchParams({ username, password }), contentType: 'application/x-www-form-urlencoded', allowUnauthenticated: true,
  });
  await readLoggedInUser();
}

export async function logOut(): Promise<void> {
  try {
    await call('DELETE', '/data/JSESSION', { allowUnauthenticated: true });
  } finally {
    setCsrfToken('');
    update({ login: null, known: true });
  }
}

/** Without the server's bootstrap, asks the server who is logged in. */
export async function ensureSessionKnown(): Promise<void> {
  if (state.known) return;
  try {
    await readLoggedInUser();
  } catch {
    update({ login: null, known: true });
  }
}
