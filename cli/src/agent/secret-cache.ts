// The agent's cache: GetSecretValue answers (the JSON served) by secretId, versionId and versionStage, up to
// cache_size entries (least recently used out first), each fresh for ttl_seconds. This is a client-side cache
// like AWS's agent: holding values for the TTL is its purpose (the server's rule of no plaintext beyond one
// request does not apply here). A change told by the feed refreshes the entries of that secret at once.
// When Coffer cannot be reached, an entry is served past its TTL for up to max_stale_seconds.
import type { GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { answerForError, isTransient, valueAnswer, type AgentAnswer } from './agent-answer.ts';

export interface SecretRequest {
  secretId: string;
  versionId?: string;
  versionStage?: string;
}

export interface SecretCacheOptions {
  ttlMs: number;
  maxStaleMs: number;
  size: number;
  ignoreTransientErrors: boolean;
  fetch: (request: SecretRequest) => Promise<GetSecretValueCommandOutput>;
  now?: () => number;
  /** names only, never values */
  log: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

interface Entry {
  request: SecretRequest;
  body: string;
  arn: string;
  name: string;
  fetchedAt: number;
  /** the order its fetch started in: an older fetch that ends later does not overwrite a newer answer */
  started: number;
}

const keyOf = (r: SecretRequest) => JSON.stringify([r.secretId, r.versionId ?? null, r.versionStage ?? null]);

export function createSecretCache(options: SecretCacheOptions) {
  const now = options.now ?? Date.now;
  // A Map keeps insertion order: re-inserting on use makes its first key the least recently used.
  const entries = new Map<string, Entry>();
  /** requests in flight per key, so a burst of readers makes one call */
  const inFlight = new Map<string, Promise<AgentAnswer>>();
  let fetches = 0;

  function store(key: string, request: SecretRequest, out: GetSecretValueCommandOutput, started: number): string {
    const body = valueAnswer(out);
    if (options.ttlMs === 0) return body;
    const current = entries.get(key);
    if (current && current.started > started) return body;
    entries.delete(key);
    entries.set(key, { request, body, arn: out.ARN ?? '', name: out.Name ?? '', fetchedAt: now(), started });
    while (entries.size > options.size) entries.delete(entries.keys().next().value!);
    return body;
  }

  /** Fetches the value; `join`: a fetch already running for the key answers instead (not after a change: it may predate it). */
  async function refresh(key: string, request: SecretRequest, join = true): Promise<AgentAnswer> {
    const running = inFlight.get(key);
    if (running && join) return running;
    const started = ++fetches;
    const call: Promise<AgentAnswer> = (async (): Promise<AgentAnswer> => {
      await Promise.resolve(); // `call` is assigned before the first line below runs
      try {
        return { status: 200, body: store(key, request, await options.fetch(request), started) };
      } catch (err) {
        const cached = entries.get(key);
        if (cached && options.ignoreTransientErrors && isTransient(err) && now() - cached.fetchedAt <= options.ttlMs + options.maxStaleMs) {
          options.log('warn', `serving ${cached.name} from the cache: Coffer did not answer (${(err as Error).name})`);
          return { status: 200, body: cached.body };
        }
        if (!isTransient(err)) entries.delete(key);
        return answerForError(err);
      } finally {
        if (inFlight.get(key) === call!) inFlight.delete(key);
      }
    })();
    inFlight.set(key, call);
    return call;
  }

  /** The answer for a request: from the cache while fresh, else from Coffer. */
  async function get(request: SecretRequest, refreshNow = false): Promise<AgentAnswer> {
    const key = keyOf(request);
    const cached = entries.get(key);
    if (cached && !refreshNow && now() - cached.fetchedAt < options.ttlMs) {
      entries.delete(key);
      entries.set(key, cached);
      return { status: 200, body: cached.body };
    }
    // refreshNow asks anew: a read already under way may have begun before the change the caller knows of
    return refresh(key, request, !refreshNow);
  }

  /**
   * A change to the secret with this ARN (the feed): its cached entries are fetched again now. One that fails
   * for good (the secret deleted, access taken away) is dropped; one Coffer cannot answer now is kept but
   * counted as expired, so the next read asks again and falls back on it only within the staleness limit.
   */
  async function changed(arn: string): Promise<number> {
    const keys = [...entries].filter(([, e]) => e.arn === arn).map(([key]) => key);
    await Promise.all(
      keys.map(async (key) => {
        const entry = entries.get(key);
        if (!entry) return;
        entry.fetchedAt = Math.min(entry.fetchedAt, now() - options.ttlMs);
        const answer = await refresh(key, entry.request, false);
        options.log('debug', `refreshed ${entry.name} after a change: ${answer.status}`);
      }),
    );
    return keys.length;
  }

  return { get, changed, size: () => entries.size };
}

export type SecretCache = ReturnType<typeof createSecretCache>;
