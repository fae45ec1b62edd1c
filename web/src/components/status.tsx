import type { ReactNode } from 'react';

/** An error sentence, placed next to what caused it. */
export function ErrorText({ message, id }: { readonly message: string | undefined; readonly id?: string }) {
  if (!message) return null;
  return <p className="error-text" role="alert" id={id}>{message}</p>;
}

export function Notice({ children }: { readonly children: ReactNode }) {
  return <p className="notice" role="status">{children}</p>;
}

export function Loading({ what = 'Loading' }: { readonly what?: string }) {
  return <p className="loading" role="status" aria-live="polite">{what}…</p>;
}

export function Badge({ children, tone = 'plain', title }: { readonly children: ReactNode; readonly tone?: 'plain' | 'shared' | 'role' | 'warn' | 'ok'; readonly title?: string }) {
  return <span className={`badge badge-${tone}`} title={title}>{children}</span>;
}

/** Label/value pairs; empty values show a dash so gaps are visible. */
export function FieldList({ items }: { readonly items: readonly { label: string; value: ReactNode }[] }) {
  return (
    <dl className="field-list">
      {items.map((i) => (
        <div key={i.label} className="field">
          <dt>{i.label}</dt>
          <dd>{i.value === '' || i.value === undefined || i.value === null ? <span className="muted">—</span> : i.value}</dd>
        </div>
      ))}
    </dl>
  );
}
