import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The build is served by the Coffer server at / (server/src/http/static-files.ts). No inline scripts or
// styles may appear in index.html (the server's Content-Security-Policy forbids them), so the module
// preload polyfill, which Vite would inline, is off; every browser we support has modulepreload.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, modulePreload: { polyfill: false }, sourcemap: false, assetsInlineLimit: 0 },
  server: { proxy: { '^/$': { target: 'http://127.0.0.1:4580', bypass: (req) => (req.method === 'POST' ? undefined : req.url) } } },
});
