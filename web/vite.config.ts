import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI is built into web/dist and served by the xnat-ts server itself (server/src/web). JSX is
// compiled by Vite's built-in esbuild step, so no React plugin is needed for the production build.
// `npx vite --config web/vite.config.ts` serves it for development, proxying the APIs to a server on :8080.
const api = process.env.XNAT_TS_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0, reportCompressedSize: false },
  server: { proxy: { '/data': api, '/REST': api, '/xapi': api } },
});
