// Benchmarks: `npm run bench -- <name> [args]` runs bench/<name>.bench.ts (default: listings).
// Benchmarks print their figures; they are never part of `npm test`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const name = process.argv[2] ?? 'listings';
const file = path.join(here, `${name}.bench.ts`);
if (!fs.existsSync(file)) {
  const known = fs.readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
  console.error(`Unknown benchmark '${name}'. Available: ${known.join(', ')}`);
  process.exit(2);
}
await import(pathToFileURL(file).href);
