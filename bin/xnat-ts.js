#!/usr/bin/env node
// The xnat-ts command. Runs the compiled code in dist/ when it is there (after `npm install`),
// otherwise the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/server/src/cli/entry.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../server/src/cli/entry.ts', import.meta.url).href);
}
