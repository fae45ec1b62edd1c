import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The dependency rules of the code layout (see README "Code layout"), checked on every test run:
 * arrows point one way, and only the named folders touch the outside world.
 */
const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

interface Import { file: string; folder: string; target: string }

function imports(): Import[] {
  const out: Import[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = path.relative(SRC, file);
    const folder = rel.includes(path.sep) ? rel.split(path.sep)[0]! : '.';
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)) {
      const spec = (m[1] ?? m[2]) as string;
      const target = spec.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep)[0]! : `pkg:${spec}`;
      out.push({ file: rel, folder, target });
    }
  }
  return out;
}

const all = imports();
const violations = (folders: string[], allowed: (target: string) => boolean) =>
  all.filter((i) => folders.includes(i.folder) && !allowed(i.target)).map((i) => `${i.file} imports ${i.target}`);

describe('architecture', () => {
  it('keeps domain/ free of every other layer and of I/O libraries', () => {
    assert.deepEqual(violations(['domain'], (t) => t === 'domain' || t === 'pkg:node:crypto'), []);
  });

  it('keeps services/ away from HTTP, DICOM libraries and database drivers', () => {
    const forbidden = (t: string) => t === 'http' || t === 'cli' || /^pkg:(fastify|@fastify|dcmjs|dcmjs-dimse|better-sqlite3|pg)/.test(t);
    assert.deepEqual(violations(['services'], (t) => !forbidden(t)), []);
  });

  it('keeps repositories/ free of business services and the edges', () => {
    assert.deepEqual(violations(['repositories'], (t) => !['services', 'http', 'cli', 'archive'].includes(t)), []);
  });

  it('lets only db/ import database drivers', () => {
    assert.deepEqual(all.filter((i) => /^pkg:(better-sqlite3|pg|pg-cursor)$/.test(i.target) && i.folder !== 'db').map((i) => i.file), []);
  });

  it('lets only http/ import Fastify', () => {
    assert.deepEqual(all.filter((i) => /^pkg:(fastify|@fastify\/)/.test(i.target) && !['http', 'app.ts', 'feature.ts'].includes(i.folder === '.' ? path.basename(i.file) : i.folder)).map((i) => i.file), []);
  });

  it('lets only dicom/ import DICOM libraries', () => {
    assert.deepEqual(all.filter((i) => /^pkg:dcmjs/.test(i.target) && i.folder !== 'dicom').map((i) => i.file), []);
  });

  it('reads process.env only in config/ and the process entry points', () => {
    const readers = sourceFiles(SRC).filter((f) => /process\.env/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(SRC, f));
    assert.deepEqual(readers.filter((f) => !f.startsWith(`config${path.sep}`) && !f.startsWith(`cli${path.sep}`)), []);
  });
});
