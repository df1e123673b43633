// Hash routes (#/secrets, #/secrets?key=<key id>, #/secrets/<name>, #/create, #/keys, #/audit): the server
// needs no knowledge of them and a reload keeps the page. Secret names may hold '/', so they are percent-encoded.
import { useEffect, useState } from 'react';

export type Route =
  /** keyId: only the secrets encrypted under this key */
  | { page: 'secrets'; keyId?: string }
  | { page: 'secret'; id: string }
  | { page: 'create' }
  | { page: 'keys' }
  | { page: 'audit' };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?', 2);
  const m = /^\/secrets\/(.+)$/.exec(path);
  if (m) return { page: 'secret', id: decodeURIComponent(m[1]) };
  if (path === '/create') return { page: 'create' };
  if (path === '/keys') return { page: 'keys' };
  if (path === '/audit') return { page: 'audit' };
  const keyId = path === '/secrets' ? new URLSearchParams(query).get('key') : null;
  return keyId ? { page: 'secrets', keyId } : { page: 'secrets' };
}

export function secretHref(id: string): string {
  return `#/secrets/${encodeURIComponent(id)}`;
}

/** The secret list filtered to the secrets a key protects. */
export function secretsByKeyHref(keyId: string): string {
  return `#/secrets?${new URLSearchParams({ key: keyId })}`;
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
