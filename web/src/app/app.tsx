import { useEffect } from 'react';
import { ensureSessionKnown, useSession } from '../features/auth/session-store.ts';
import { LoginPage } from '../features/auth/login-page.tsx';
import { Layout } from './layout.tsx';
import { Link, matchPath, useLocation } from './router.tsx';
import { ROUTES } from './routes.tsx';

export function App() {
  const session = useSession();
  const location = useLocation();
  useEffect(() => void ensureSessionKnown(), []);
  if (!session.known) return null;

  let page = <NotFound />;
  let open = true;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, location.pathname);
    if (params) {
      page = <>{route.render(params)}</>;
      open = route.open ?? false;
      break;
    }
  }
  // Anyone arriving at a shared address without a session logs in right there, then sees the page.
  if (!session.login && session.requireLogin && !open) page = <LoginPage stayHere />;
  return <Layout>{page}</Layout>;
}

function NotFound() {
  return (
    <section className="panel">
      <h1>Page not found</h1>
      <p>There is no page at this address. <Link to="/">Go to your projects</Link>.</p>
    </section>
  );
}
