import { escapeXml } from '../../lib/xml.js';

/**
 * XNAT's listing envelope (xnat-api.md §2.4) in its four renderings. Every cell is a string, nulls
 * are "", `totalRecords` is a quoted string; CSV carries exactly the JSON's columns because pyxnat
 * reads every listing as CSV.
 */
export type Row = Record<string, string>;
export type ListingFormat = 'json' | 'csv' | 'xml' | 'html';

export interface Table {
  readonly columns: readonly string[];
  readonly rows: AsyncIterable<Row> | Iterable<Row>;
  readonly title?: string;
  /** Append `totalRecords` (XNAT omits it on paged, file and prearchive listings). */
  readonly totalRecords?: boolean;
  /** File listings carry `"Columns":[{"key":"URI","serverRoot":""}]`. */
  readonly uriServerRoot?: string;
}

export const CONTENT_TYPES: Record<ListingFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** Renders a table as a stream of text chunks, so large listings never sit in memory. */
export async function* renderTable(table: Table, format: ListingFormat): AsyncGenerator<string> {
  const cols = table.columns;
  const cell = (row: Row, c: string) => row[c] ?? '';
  switch (format) {
    case 'json': {
      let head = '{"ResultSet":{';
      if (table.uriServerRoot !== undefined) head += `"Columns":[{"key":"URI","serverRoot":${JSON.stringify(table.uriServerRoot)}}],`;
      yield `${head}"Result":[`;
      let n = 0;
      let batch = '';
      for await (const row of table.rows) {
        const obj: Row = {};
        for (const c of cols) obj[c] = cell(row, c);
        batch += (n++ === 0 ? '' : ',') + JSON.stringify(obj);
        if (batch.length > 65536) {
          yield batch;
          batch = '';
        }
      }
      let tail = ']';
      if (table.totalRecords) tail += `,"totalRecords":"${n}"`;
      if (table.title) tail += `,"title":${JSON.stringify(table.title)}`;
      yield `${batch}${tail}}}`;
      return;
    }
    case 'csv': {
      let batch = cols.map(csvEscape).join(',') + '\n';
      for await (const row of table.rows) {
        batch += cols.map((c) => csvEscape(cell(row, c))).join(',') + '\n';
        if (batch.length > 65536) {
          yield batch;
          batch = '';
        }
      }
      yield batch;
      return;
    }
    case 'xml': {
      const rows: Row[] = [];
      for await (const row of table.rows) rows.push(row);
      yield `<ResultSet totalRecords="${rows.length}"><results><columns>${cols.map((c) => `<column>${escapeXml(c)}</column>`).join('')}</columns>\n<rows>`;
      for (const row of rows) yield `<row>${cols.map((c) => `<cell>${escapeXml(cell(row, c))}</cell>`).join('')}</row>\n`;
      yield '</rows></results></ResultSet>';
      return;
    }
    case 'html': {
      yield `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeXml(table.title ?? 'Results')}</title></head><body>\n<table class="x_rs_t">\n<tr>${cols.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr>\n`;
      for await (const row of table.rows) yield `<tr>${cols.map((c) => `<td>${escapeXml(cell(row, c))}</td>`).join('')}</tr>\n`;
      yield '</table>\n</body></html>\n';
      return;
    }
  }
}

/** RFC 4180 quoting, as Apache's escapeCsv does it. */
export function csvEscape(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Java's Timestamp.toString() shape XNAT uses in listings: `2024-01-22 10:51:54.616`. */
export function xnatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/Z$/, '');
}
