#!/usr/bin/env node
// Runs every test: compile check, then node's test runner over all *.test.ts files through tsx.
// Usage: npm test [-- <path filter>...]   e.g. npm test -- server/test/integration/projects
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filters = process.argv.slice(2);

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(full);
    return e.name.endsWith('.test.ts') ? [full] : [];
  });
}

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!process.env.SKIP_BUILD) {
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('npm', ['run', '--silent', 'build']);
}
const files = ['server/src', 'server/test', 'web/src', 'e2e'].flatMap((d) => walk(path.join(root, d)))
  .map((f) => path.relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();
if (files.length === 0) {
  console.error('No test files matched');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '4';
run(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files]);
