import type { ReactNode } from 'react';
import { logOut, useSession } from '../features/auth/session-store.ts';
import { Link, navigate, useLocation } from './router.tsx';

const NAV = [
  { to: '/', label: 'Home', match: (p: string) => p === '/' || p.startsWith('/projects') || p.startsWith('/subjects') || p.startsWith('/experiments') },
  { to: '/upload', label: 'Upload', match: (p: string) => p.startsWith('/upload') },
  { to: '/prearchive', label: 'Prearchive', match: (p: string) => p.startsWith('/prearchive') },
  { to: '/download', label: 'Download', match: (p: string) => p.startsWith('/download') },
  { to: '/transfers', label: 'Transfers', match: (p: string) => p.startsWith('/transfers') },
];

export function Layout({ children }: { readonly children: ReactNode }) {
  const session = useSession();
  const { pathname } = useLocation();
  return (
    <>
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="top-bar">
        <Link to="/" className="brand">xnat-ts</Link>
        {session.login && (
          <nav aria-label="Main" className="main-nav">
            {NAV.map((n) => <Link key={n.to} to={n.to} aria-current={n.match(pathname) ? 'page' : undefined}>{n.label}</Link>)}
          </nav>
        )}
        <div className="user-box">
          {session.login ? (
            <>
              <span className="user-name" data-testid="current-user">{session.login}</span>
              <button type="button" className="link-like" onClick={() => void logOut().then(() => navigate('/login'))}>Log out</button>
            </>
          ) : pathname !== '/login' && <Link to={`/login?next=${encodeURIComponent(pathname)}`}>Log in</Link>}
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
