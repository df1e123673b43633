import { useEffect, useState, type FormEvent } from 'react';
import { ListSecretsCommand, type Filter, type FilterNameStringType, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatDate, formatDay } from '../../components/format.ts';
import { secretHref } from '../../components/router.ts';
import { Pager, usePages } from '../../components/pager.tsx';
import { secretsUnderKey } from '../keys/protected-secrets.ts';

const FILTER_KEYS: Array<{ key: FilterNameStringType; label: string }> = [
  { key: 'all', label: 'All fields' },
  { key: 'name', label: 'Name' },
  { key: 'description', label: 'Description' },
  { key: 'tag-key', label: 'Tag key' },
  { key: 'tag-value', label: 'Tag value' },
];

/**
 * ListSecrets with its filters (a leading ! negates, several words are ANDed), sort order and paging. With
 * `keyId` (the Keys page's link) only the secrets encrypted under that key, all on one page: ListSecrets cannot
 * filter by key, so every page is read and filtered here.
 */
export function SecretsList({ clients, keyId }: { clients: Clients; keyId?: string }) {
  const [filterKey, setFilterKey] = useState<FilterNameStringType>('all');
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState<Filter[]>([]);
  const [sortOrder, setSortOrder] = useState<'asc' | 'desc'>('desc');
  // The Keys page counts the secrets scheduled for deletion too (the key still matters to them): so does its link.
  const [includeDeleted, setIncludeDeleted] = useState(keyId !== undefined);
  const [pageSize, setPageSize] = useState(25);
  const pages = usePages();
  const [secrets, setSecrets] = useState<SecretListEntry[] | undefined>();
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let live = true;
    setError(undefined);
    const request = { Filters: applied.length ? applied : undefined, SortOrder: sortOrder, IncludePlannedDeletion: includeDeleted };
    const listed = keyId
      ? secretsUnderKey(clients, keyId, request).then((SecretList) => ({ SecretList, NextToken: undefined }))
      : clients.sm.send(new ListSecretsCommand({ ...request, MaxResults: pageSize, NextToken: pages.token }));
    listed.then((r) => { if (live) { setSecrets(r.SecretList ?? []); setNextToken(r.NextToken); } }, (err) => live && setError(err));
    return () => { live = false; };
  }, [clients, keyId, applied, sortOrder, includeDeleted, pageSize, pages.token, pages.page]);

  const restart = pages.reset;
  function submit(e: FormEvent) {
    e.preventDefault();
    const words = search.trim().split(/\s+/).filter(Boolean);
    setApplied(words.length ? [{ Key: filterKey, Values: words }] : []);
    restart();
  }

  return (
    <section aria-labelledby="secrets-title">
      <div className="page-head">
        <h1 id="secrets-title">Secrets</h1>
        <a className="button primary" href="#/create">Store a new secret</a>
      </div>
      {keyId && (
        <p className="filter-note" role="status">
          Encrypted under key <span className="mono">{keyId}</span>{secrets && `: ${secrets.length === 1 ? '1 secret' : `${secrets.length} secrets`}`}.{' '}
          <a href="#/secrets">Show all secrets</a>
        </p>
      )}
      <form className="toolbar" role="search" onSubmit={submit}>
        <label htmlFor="filter-key">Filter by</label>
        <select id="filter-key" value={filterKey} onChange={(e) => setFilterKey(e.target.value as FilterNameStringType)}>
          {FILTER_KEYS.map((f) => <option key={f.key} value={f.key}>{f.label}</option>)}
        </select>
        <label htmlFor="secret-search" className="visually-hidden">Search secrets</label>
        <input id="secret-search" type="search" placeholder="Search (prefix match; ! to negate)" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">Search</button>
        <label htmlFor="sort-order">Sort</label>
        <select id="sort-order" value={sortOrder} onChange={(e) => { setSortOrder(e.target.value as 'asc' | 'desc'); restart(); }}>
          <option value="desc">Newest first</option>
          <option value="asc">Oldest first</option>
        </select>
        <label className="check">
          <input type="checkbox" checked={includeDeleted} onChange={(e) => { setIncludeDeleted(e.target.checked); restart(); }} />
          Include secrets scheduled for deletion
        </label>
      </form>
      <ErrorMessage error={error} />
      <div className="table-scroll">
      <table className="grid">
        <caption className="visually-hidden">Secrets</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Last changed</th><th scope="col">Last accessed</th><th scope="col">Rotation</th><th scope="col">Tags</th></tr>
        </thead>
        <tbody>
          {secrets?.map((s) => (
            <tr key={s.ARN}>
              <td>
                <a href={secretHref(s.Name!)}>{s.Name}</a>
                {s.DeletedDate && <span className="badge warn">Deletion on {formatDay(s.DeletedDate)}</span>}
              </td>
              <td>{s.Description}</td>
              <td>{formatDate(s.LastChangedDate)}</td>
              <td>{formatDay(s.LastAccessedDate)}</td>
              <td>{s.RotationEnabled ? 'Enabled' : 'Disabled'}</td>
              <td>{(s.Tags ?? []).map((t) => <span className="tag" key={t.Key}>{t.Key}={t.Value}</span>)}</td>
            </tr>
          ))}
          {secrets?.length === 0 && <tr><td colSpan={6}>No secrets match.</td></tr>}
        </tbody>
      </table>
      </div>
      {!keyId && (
        <Pager label="Pages of secrets" pages={pages} nextToken={nextToken}>
          <label htmlFor="page-size">Per page</label>
          <select id="page-size" value={pageSize} onChange={(e) => { setPageSize(Number(e.target.value)); restart(); }}>
            {[10, 25, 50, 100].map((n) => <option key={n}>{n}</option>)}
          </select>
        </Pager>
      )}
    </section>
  );
}
