// Replication across deployments, the primary's side: every write of a primary numbers a change on each of its
// peer regions (replica-sync.ts's propagate, InProgress from then on) and the pusher sends the whole current
// state of the secret to the peer (PutReplicaSecret, peer-replica.ts there) until the peer has acknowledged
// the last number (InSync). Values go only for versions created since the state the peer last acknowledged
// (the peer answers ResourceNotFoundException when it lacks one sent without, and everything goes again). A peer that refuses (its AWS error) makes the region Failed with the peer's message;
// a peer that cannot be reached keeps it InProgress, with the reason, tried again with a growing backoff. A
// push lists every version each time, matched by id there, so a push after an outage is the full catch-up and
// repeating one duplicates nothing. One server pushes at a time (a database lease), woken after each commit
// that left a peer behind and by the background sweep. Each answer carries the replica's LastAccessedDate, kept on
// the entry for ReplicationStatus; the sweep asks an InSync peer for it (a Probe push, writing nothing) once a day.
// A state bigger than a request may be goes as Partial requests carrying the values, then the whole state without
// them (labels last), one after the other; each repeated adds nothing twice.
import { acquireLease, releaseLease } from '../../store/lease.ts';
import { startOfDay, type SecretServiceDeps } from './secret-context.ts';
import * as db from './secret-store.ts';
import * as replicas from './replica-store.ts';
import { FAILED, REPLICATION_SUCCEEDED, type ReplicaSync } from './replica-sync.ts';
import type { ReplicaEntry } from './replica-store.ts';

export const PUSHER_LEASE = 'replication-pusher';
/** The largest request body a push sends: under the peer's 1 MiB limit (http/server.ts), with room for headers. */
export const PUSH_BODY_BUDGET = 1_000_000;

/** How the pusher reaches a peer (http/peer-client.ts): the answer, classified. */
export interface PeerTransport {
  regions: ReadonlySet<string>;
  call(region: string, operation: 'PutReplicaSecret', input: unknown): Promise<{ ok: true; body?: Record<string, unknown> } | { ok: false; refused: boolean; code?: string; message: string }>;
}

export interface PusherOptions {
  holder: string;
  leaseMs: number;
  /** the longest wait between two tries of an unreachable peer */
  maxBackoffMs: number;
  logger?: { error(msg: string, fields?: Record<string, unknown>): void };
}

export function createPeerPusher(deps: SecretServiceDeps, sync: ReplicaSync, transport: PeerTransport, options: PusherOptions) {
  const { store, now } = deps;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  /** One pass, or a second right after the one under way when woken meanwhile. */
  function pushDue(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && !stopped);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  /** After a commit that left a peer behind: push soon, without holding up the request. */
  function wake(): void {
    pushDue().catch((err) => options.logger?.error('replication push failed', { error: String(err) }));
  }

  /**
   * Pushes what is due while holding the lease, renewed before each push (a push ends within the peer client's
   * timeout, shorter than the lease): a server killed mid-pass holds up the others for one lease at most.
   */
  async function pass(): Promise<void> {
    const hold = () => acquireLease(store.db, PUSHER_LEASE, options.holder, now(), options.leaseMs);
    if (!(await hold())) return;
    for (const entry of await replicas.peerEntriesDue(store.db, now(), 100)) {
      if (stopped || !(await hold())) return;
      await push(entry);
    }
    for (const entry of await replicas.peerEntriesToProbe(store.db, startOfDay(now()), 100)) {
      if (stopped || !(await hold())) return;
      await probe(entry);
    }
  }

  /**
   * Asks the peer for its replica's LastAccessedDate (a day, so once a day is enough). Best effort: whatever the
   * answer, the entry is not asked again before tomorrow (a peer that is down is not waited on at every sweep),
   * and its status is left to the pushes.
   */
  async function probe(entry: ReplicaEntry): Promise<void> {
    const primary = await db.findSecretById(store.db, entry.primary_id);
    if (!primary) return;
    const input = { PrimaryArn: primary.arn, Change: entry.pushed_seq, Probe: true, Versions: [], VersionIdsToStages: [] };
    const answer = await transport.call(entry.region, 'PutReplicaSecret', input).catch(() => undefined);
    const reported = answer?.ok ? lastAccessedOf(answer.body) : entry.peer_last_accessed_at;
    await replicas.notePeerAccess(store.db, entry.primary_id, entry.region, reported, now());
  }

  async function push(entry: ReplicaEntry): Promise<void> {
    const primary = await db.findSecretById(store.db, entry.primary_id);
    if (!primary) return;
    // The change number is read before the state, so the state sent is at least as new as the number.
    const seq = entry.change_seq;
    const stateAt = now();
    const send = async (sentBefore: number | null) => {
      try {
        let answer: Awaited<ReturnType<PeerTransport['call']>> = { ok: false, refused: true, message: 'nothing to send' };
        for (const part of inParts(await stateOf(primary, entry, seq, sentBefore), PUSH_BODY_BUDGET)) {
          answer = await transport.call(entry.region, 'PutReplicaSecret', part);
          if (!answer.ok) break;
        }
        return answer;
      } catch (err) {
        // The primary's own side failed (its key cannot open a version): the region fails with the reason.
        return { ok: false as const, refused: true, message: err instanceof Error ? err.message : String(err) };
      }
    };
    let answer = await send(entry.pushed_state_at);
    // The peer lacks a version sent without its value (it was written after that state was read, or the peer
    // lost it): everything again, values included.
    if (!answer.ok && answer.code === 'ResourceNotFoundException' && entry.pushed_state_at !== null) answer = await send(null);
    if (answer.ok) {
      await replicas.acknowledgePush(store.db, entry.primary_id, entry.region, seq, stateAt, REPLICATION_SUCCEEDED);
      await replicas.notePeerAccess(store.db, entry.primary_id, entry.region, lastAccessedOf(answer.body), now());
      deps.onReplication?.(sync.eventOf(primary, entry.region));
    } else if (answer.refused) {
      await replicas.updateReplicaEntry(store.db, entry.primary_id, entry.region, { status: FAILED, status_message: answer.message, push_failures: 0, next_push_at: null });
      deps.onReplication?.(sync.eventOf(primary, entry.region, answer.message));
    } else {
      const failures = entry.push_failures + 1;
      const wait = Math.min(options.maxBackoffMs, 1000 * 2 ** Math.min(failures - 1, 20));
      await replicas.updateReplicaEntry(store.db, entry.primary_id, entry.region, {
        push_failures: failures,
        next_push_at: now() + wait,
        status_message: `The deployment serving ${entry.region} could not be reached (${answer.message}); trying again.`,
      });
    }
  }

  /**
   * PutReplicaSecret's input: the primary's whole state, values opened for the request only; a version created
   * before `sentBefore` (when the state the peer acknowledged was read) goes without its value.
   */
  async function stateOf(primary: db.SecretRow, entry: ReplicaEntry, seq: number, sentBefore: number | null) {
    const source = await sync.sourceOf(store.db, primary);
    const versions = [];
    for (const v of source.versions) {
      const base = { VersionId: v.versionId, CreatedDate: v.createdAt / 1000 };
      if (!v.hasValue) {
        versions.push(base);
        continue;
      }
      if (sentBefore !== null && v.createdAt < sentBefore) {
        versions.push({ ...base, ValueOmitted: true });
        continue;
      }
      const value = await source.valueOf(v.versionId);
      try {
        versions.push(value.kind === 'string' ? { ...base, SecretString: value.bytes.toString('utf8') } : { ...base, SecretBinary: value.bytes.toString('base64') });
      } finally {
        value.bytes.fill(0);
      }
    }
    return {
      PrimaryArn: primary.arn,
      Change: seq,
      ...(entry.kms_key_id !== null ? { KmsKeyId: entry.kms_key_id } : {}),
      ...(primary.description !== null ? { Description: primary.description } : {}),
      LastChangedDate: primary.last_changed_at / 1000,
      Tagged: primary.tagged === 1,
      ...(primary.owning_service !== null ? { OwningService: primary.owning_service } : {}),
      Tags: source.tags,
      ...(primary.resource_policy !== null ? { ResourcePolicy: primary.resource_policy } : {}),
      Versions: versions,
      VersionIdsToStages: [...source.stages].map(([stage, versionId]) => ({ VersionStage: stage, VersionId: versionId })),
    };
  }

  /** No pass starts from now on; waits for the one under way, then gives the lease back. */
  async function stop(): Promise<void> {
    stopped = true;
    await running?.catch(() => {});
    await releaseLease(store.db, PUSHER_LEASE, options.holder);
  }

  return { pushDue, wake, stop };
}

export type PeerPusher = ReturnType<typeof createPeerPusher>;

type PushState = Record<string, unknown> & { Versions: Array<Record<string, unknown> & { VersionId: string; CreatedDate: number }>; VersionIdsToStages: unknown[] };

/**
 * The requests that carry `state` within `budget` bytes each: the state itself when it fits, else Partial
 * requests with the values (as many versions per request as fit) and last the state with those values omitted.
 * A single value too big for a request still goes alone (the peer refuses it and the region fails).
 */
export function inParts(state: PushState, budget: number): PushState[] {
  const size = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
  if (size(state) <= budget) return [state];
  const valued = state.Versions.filter((v) => v.SecretString !== undefined || v.SecretBinary !== undefined);
  const partial = (versions: PushState['Versions']): PushState => ({ ...state, Partial: true, Versions: versions, VersionIdsToStages: [] });
  const parts: PushState[] = [];
  let chunk: PushState['Versions'] = [];
  for (const v of valued) {
    if (chunk.length > 0 && size(partial([...chunk, v])) > budget) {
      parts.push(partial(chunk));
      chunk = [];
    }
    chunk.push(v);
  }
  if (chunk.length > 0) parts.push(partial(chunk));
  const sent = new Set(valued);
  const last = { ...state, Versions: state.Versions.map((v) => (sent.has(v) ? { VersionId: v.VersionId, CreatedDate: v.CreatedDate, ValueOmitted: true } : v)) };
  return [...parts, last];
}

/** PutReplicaSecret's LastAccessedDate (AWS JSON: seconds since the epoch) in ms; null when the replica was never read. */
function lastAccessedOf(body: Record<string, unknown> | undefined): number | null {
  const seconds = body?.LastAccessedDate;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? startOfDay(Math.round(seconds * 1000)) : null;
}
