import type { ReactNode } from 'react';
import { Link } from '../app/router.tsx';

export interface Crumb {
  readonly label: string;
  readonly to?: string;
}

/** The top of every page: where you are, what this is, and what you can do here. */
export function PageHeader({ title, kicker, crumbs, badges, actions, children }: {
  readonly title: string;
  readonly kicker?: string;
  readonly crumbs?: readonly Crumb[];
  readonly badges?: ReactNode;
  readonly actions?: ReactNode;
  readonly children?: ReactNode;
}) {
  return (
    <header className="page-header">
      {crumbs && crumbs.length > 0 && (
        <nav aria-label="Breadcrumb" className="crumbs">
          <ol>
            {crumbs.map((c, i) => <li key={i}>{c.to ? <Link to={c.to}>{c.label}</Link> : c.label}</li>)}
          </ol>
        </nav>
      )}
      <div className="page-title-row">
        <div>
          {kicker && <p className="kicker">{kicker}</p>}
          <h1>{title} {badges}</h1>
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </header>
  );
}
