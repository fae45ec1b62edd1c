import { useEffect, useState, type FormEvent } from 'react';
import { navigate, useLocation } from '../../app/router.tsx';
import { ErrorText } from '../../components/status.tsx';
import { useTitle } from '../../lib/use-load.ts';
import { logIn, logOut, useSession } from './session-store.ts';

/**
 * The login form. On /login it goes on to `?next=` (or home) afterwards; shown in place of a page
 * (`stayHere`) it simply reveals that page once the session exists.
 */
export function LoginPage({ stayHere = false }: { readonly stayHere?: boolean }) {
  useTitle('Log in');
  const { query } = useLocation();
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const next = safeNext(query.get('next'));

  useEffect(() => {
    if (!stayHere && session.login) navigate(next, { replace: true });
  }, [stayHere, session.login, next]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await logIn(username, password);
    } catch (err) {
      const status = (err as { status?: number }).status;
      setError(status === 401 ? 'The username or password is not right. Check them and try again.' : (err as Error).message);
      setBusy(false);
    }
  };

  return (
    <section className="login panel">
      <h1>Log in</h1>
      {stayHere && <p className="muted">Log in to see this page.</p>}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor="login-username">Username</label>
        <input id="login-username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)}
          aria-describedby={error ? 'login-error' : undefined} />
        <ErrorText message={error} id="login-error" />
        <button type="submit" className="button" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </section>
  );
}

/** XNAT's logout link (/app/action/LogoutUser redirects here). */
export function LogoutPage() {
  useEffect(() => {
    void logOut().finally(() => navigate('/login', { replace: true }));
  }, []);
  return null;
}

/** Only same-site paths, so a crafted link cannot send people elsewhere after logging in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
