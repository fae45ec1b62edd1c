import type { ReactNode } from 'react';

export interface Column<T> {
  readonly key: string;
  readonly header: ReactNode;
  readonly render: (row: T) => ReactNode;
  readonly numeric?: boolean;
  readonly className?: string;
}

/** A plain, accessible table; rows can carry a class (the shared highlight) and a title. */
export function DataTable<T>({ columns, rows, rowKey, rowClassName, rowTitle, empty, label, testId }: {
  readonly columns: readonly Column<T>[];
  readonly rows: readonly T[];
  readonly rowKey: (row: T) => string;
  readonly rowClassName?: (row: T) => string | undefined;
  readonly rowTitle?: (row: T) => string | undefined;
  readonly empty: ReactNode;
  readonly label: string;
  readonly testId?: string;
}) {
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap">
      <table aria-label={label} data-testid={testId}>
        <thead>
          <tr>{columns.map((c) => <th key={c.key} scope="col" className={[c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined}>{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)} title={rowTitle?.(row)}>
              {columns.map((c) => <td key={c.key} className={[c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined}>{c.render(row)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
