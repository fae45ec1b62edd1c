import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2', '.map': 'application/json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.map']);

export type Encoding = 'br' | 'gzip' | 'identity';

/** One file of the built UI, held in memory (the whole bundle is a few hundred kilobytes). */
export interface WebAsset {
  readonly type: string;
  readonly etag: string;
  readonly body: Buffer;
  readonly compressible: boolean;
  /** Compressed once, on first request, then reused. */
  readonly encoded: Map<Exclude<Encoding, 'identity'>, Promise<Buffer>>;
}

export interface WebBundle {
  /** The folder the bundle was read from. */
  readonly dir: string;
  /** index.html with the bootstrap placeholder, or undefined when the UI is not built. */
  readonly indexHtml: string | undefined;
  /** Files by URL path (`/assets/index-abc123.js`, `/favicon.svg`); index.html is not among them. */
  readonly files: ReadonlyMap<string, WebAsset>;
}

/** The web/dist folder of the package, both when running the TypeScript (server/src/http/web) and the compiled dist/. */
export function defaultWebDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const compiled = here.includes(`${path.sep}dist${path.sep}server${path.sep}`);
  return path.join(path.resolve(here, compiled ? '../../../../..' : '../../../..'), 'web', 'dist');
}

/** Reads the built UI into memory; a missing folder gives an empty bundle (the server still runs). */
export async function loadWebBundle(dir: string): Promise<WebBundle> {
  const files = new Map<string, WebAsset>();
  let indexHtml: string | undefined;
  try {
    indexHtml = await fs.readFile(path.join(dir, 'index.html'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return { dir, indexHtml: undefined, files };
  }
  for (const rel of await listFiles(dir)) {
    if (rel === 'index.html') continue;
    const body = await fs.readFile(path.join(dir, rel));
    const ext = path.extname(rel).toLowerCase();
    files.set(`/${rel.split(path.sep).join('/')}`, {
      type: TYPES[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`,
      body,
      compressible: COMPRESSIBLE.has(ext) && body.length > 1024,
      encoded: new Map(),
    });
  }
  return { dir, indexHtml, files };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** The best encoding the client accepts for this asset. */
export function chooseEncoding(asset: WebAsset, acceptEncoding: string | undefined): Encoding {
  if (!asset.compressible || !acceptEncoding) return 'identity';
  if (/\bbr\b/.test(acceptEncoding)) return 'br';
  if (/\bgzip\b/.test(acceptEncoding)) return 'gzip';
  return 'identity';
}

export function encodedBody(asset: WebAsset, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'identity') return Promise.resolve(asset.body);
  let pending = asset.encoded.get(encoding);
  if (!pending) {
    pending = encoding === 'br'
      ? brotli(asset.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: asset.body.length } })
      : gzip(asset.body, { level: 9 });
    asset.encoded.set(encoding, pending);
  }
  return pending;
}
