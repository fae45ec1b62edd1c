import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';

/** Paging of listings: plain limit/offset (XNAT's `limit`/`offset`) or keyset continuation for streaming. */
export interface Page {
  readonly limit: number;
  readonly offset?: number;
  /** Continue after this sort key (streaming in chunks without holding a cursor open). */
  readonly after?: string;
}

/**
 * A filter on a field column: each pattern is an exact value, or a LIKE pattern when it holds `*` or
 * `%` (XNAT's listing filters; a comma-separated parameter means any of the values).
 */
export interface ColumnFilter {
  readonly column: string;
  readonly patterns: readonly string[];
}

export function filterExpression(eb: ExpressionBuilder<any, any>, table: string, filters: readonly ColumnFilter[]): Expression<SqlBool> {
  return eb.and(filters.map((f) => eb.or(f.patterns.map((p) => {
    const ref = sql.ref(`${table}.${f.column}`);
    // Wildcard filters ignore case on both engines (SQLite's LIKE does, PostgreSQL's does not).
    if (/[*%]/.test(p)) return sql<SqlBool>`lower(cast(${ref} as text)) like ${p.replace(/\*/g, '%').toLowerCase()}`;
    return sql<SqlBool>`cast(${ref} as text) = ${p}`;
  }))));
}

/**
 * Reads a listing in chunks of `chunk` rows using keyset paging, so a slow client never holds a
 * database connection (SQLite has only one).
 */
export async function* inChunks<T>(fetch: (page: Page) => Promise<T[]>, keyOf: (row: T) => string, chunk = 1000): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const rows = await fetch({ limit: chunk, after });
    for (const row of rows) yield row;
    if (rows.length < chunk) return;
    after = keyOf(rows[rows.length - 1] as T);
  }
}

/**
 * Splits filters for a listing seen from one project: `label` means the label there (the share
 * label for shared items), which lives in the label table, not the item's owner label.
 */
export function splitLabelFilters(filters: readonly ColumnFilter[]): { label: ColumnFilter[]; other: ColumnFilter[] } {
  return { label: filters.filter((f) => f.column === 'label'), other: filters.filter((f) => f.column !== 'label') };
}
