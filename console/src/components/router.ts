// Hash routes (#/secrets, #/secrets/<name>, #/create, #/keys, #/audit): the server needs no knowledge of
// them and a reload keeps the page. Secret names may hold '/', so they are percent-encoded.
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'secrets' }
  | { page: 'secret'; id: string }
  | { page: 'create' }
  | { page: 'keys' }
  | { page: 'audit' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const m = /^\/secrets\/(.+)$/.exec(path);
  if (m) return { page: 'secret', id: decodeURIComponent(m[1]) };
  if (path === '/create') return { page: 'create' };
  if (path === '/keys') return { page: 'keys' };
  if (path === '/audit') return { page: 'audit' };
  return { page: 'secrets' };
}

export function secretHref(id: string): string {
  return `#/secrets/${encodeURIComponent(id)}`;
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
