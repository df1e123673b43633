// The web console's production build (console/dist), served at / on the API's port. Only GET and HEAD of
// paths that are not /_coffer/*; the API stays POST / with X-Amz-Target. Hashed assets (Vite names them
// name-HASH.ext under assets/) are immutable; index.html is revalidated every time so a new build shows at
// once. Every answer carries a strict Content-Security-Policy: the page holds credentials, so no inline
// script, and the only place it may talk to is its own origin (the API).
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ServerResponse } from 'node:http';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export interface StaticFiles {
  /** Answers GET/HEAD for a console path; false when the path is not the console's to answer. */
  serve(method: string, path: string, res: ServerResponse): Promise<boolean>;
}

/** Serves the files under `root` (the composition root passes the repository's console/dist). */
export function createStaticFiles(root: string): StaticFiles {
  const base = resolve(root);
  async function file(path: string): Promise<{ body: Buffer; path: string } | undefined> {
    let decoded: string;
    try { decoded = decodeURIComponent(path); } catch { return undefined; }
    if (decoded.includes('\0')) return undefined;
    const full = normalize(join(base, decoded));
    if (full !== base && !full.startsWith(base + sep)) return undefined;
    try {
      if (!(await stat(full)).isFile()) return undefined;
      return { body: await readFile(full), path: full };
    } catch {
      return undefined;
    }
  }
  return {
    async serve(method, path, res) {
      if ((method !== 'GET' && method !== 'HEAD') || path.startsWith('/_coffer/')) return false;
      const isAsset = path.startsWith('/assets/');
      // Client-side routes (/secrets/x, /keys) get index.html; a missing asset is a real 404.
      let found = path === '/' ? undefined : await file(path);
      if (!found && !isAsset && !extname(path)) found = await file('/index.html');
      if (!found) {
        const indexMissing = !(await file('/index.html'));
        const text = indexMissing
          ? 'The Coffer console is not built. Run `npm run build -w console` (npm start does it for you).\n'
          : 'Not found.\n';
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...SECURITY_HEADERS });
        res.end(method === 'HEAD' ? undefined : text);
        return true;
      }
      const hashed = isAsset && /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(path);
      res.writeHead(200, {
        'content-type': TYPES[extname(found.path)] ?? 'application/octet-stream',
        'content-length': found.body.length,
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...SECURITY_HEADERS,
      });
      res.end(method === 'HEAD' ? undefined : found.body);
      return true;
    },
  };
}
