import { useCallback, useState, type ReactNode } from 'react';

/**
 * Paging over an API's NextToken: the tokens of the pages seen so far, so "Previous page" asks again with
 * the earlier token. `token` is the one to send for the current page; reset() goes back to page 1.
 */
export function usePages() {
  const [tokens, setTokens] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState(0);
  const reset = useCallback(() => { setTokens([undefined]); setPage(0); }, []);
  return {
    page,
    token: tokens[page],
    reset,
    previous: () => setPage((p) => Math.max(0, p - 1)),
    next: (nextToken: string) => { setTokens([...tokens.slice(0, page + 1), nextToken]); setPage(page + 1); },
  };
}

export function Pager({ label, pages, nextToken, children }: { label: string; pages: ReturnType<typeof usePages>; nextToken: string | undefined; children?: ReactNode }) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={pages.page === 0} onClick={pages.previous}>Previous page</button>
      <span>Page {pages.page + 1}</span>
      <button type="button" disabled={!nextToken} onClick={() => nextToken && pages.next(nextToken)}>Next page</button>
      {children}
    </nav>
  );
}
