import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvEscape, renderTable, type Table } from './result-set.js';

async function render(table: Table, format: 'json' | 'csv' | 'xml' | 'html'): Promise<string> {
  let out = '';
  for await (const chunk of renderTable(table, format)) out += chunk;
  return out;
}

describe('ResultSet rendering', () => {
  const table: Table = { columns: ['ID', 'name'], rows: [{ ID: '1', name: 'a,"b"' }, { ID: '2' }], totalRecords: true, title: 'T' };

  it('renders JSON with string cells, "" for missing ones, totalRecords and title after Result', async () => {
    assert.equal(await render(table, 'json'), '{"ResultSet":{"Result":[{"ID":"1","name":"a,\\"b\\""},{"ID":"2","name":""}],"totalRecords":"2","title":"T"}}');
  });

  it('renders CSV with the same columns and RFC 4180 quoting', async () => {
    assert.equal(await render(table, 'csv'), 'ID,name\n1,"a,""b"""\n2,\n');
    assert.equal(csvEscape('line\nbreak'), '"line\nbreak"');
  });

  it('renders XML and HTML with escaping', async () => {
    assert.equal(await render({ columns: ['x'], rows: [{ x: '<&>' }] }, 'xml'), '<ResultSet totalRecords="1"><results><columns><column>x</column></columns>\n<rows><row><cell>&lt;&amp;&gt;</cell></row>\n</rows></results></ResultSet>');
    assert.match(await render({ columns: ['x'], rows: [{ x: '<b>' }] }, 'html'), /<td>&lt;b&gt;<\/td>/);
  });

  it('puts the URI serverRoot column note first for file listings', async () => {
    assert.match(await render({ columns: ['URI'], rows: [], uriServerRoot: '' }, 'json'), /^\{"ResultSet":\{"Columns":\[\{"key":"URI","serverRoot":""\}\],"Result":\[\]/);
  });
});
