// Consumers (Coffer's, not AWS's): which principals read which version of a secret, from the audit trail, and
// consumer-aware retirement: with RetireAfterIdle set, an alternating-users rotation, which sets a new password
// on the user AWSPREVIOUS names, waits until nobody has read AWSPREVIOUS for that long.
// The trail records what a read asked for, not the version it got, so a read is attributed to a version so:
// by VersionId, that version; by label after AWSCURRENT last moved (the last rotation, the current version's
// creation, or an UpdateSecretVersionStage), the version holding that label now; AWSCURRENT (or no label)
// before that and since the AWSPREVIOUS version was created, the AWSPREVIOUS version (it was current then, or
// the read came before a move that may not be seen: counted, so that retirement errs on waiting). Other reads
// got versions that hold no label now and are not shown.
import type { Store } from '../store/db.ts';
import type { SecretService } from '../services/secretsmanager/secret-service.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import * as retirementDb from './retirement-store.ts';
import * as db from './rotation-store.ts';
import { parseSecretArnScope } from './secret-arn.ts';

export const MIN_IDLE_SECONDS = 60;
export const MAX_IDLE_SECONDS = 30 * 86400;
const STATUS_REUSE_MS = 10_000;

export interface Consumer {
  PrincipalArn: string;
  LastReadDate: Date;
  /** how the latest read asked: the label (AWSCURRENT when it named neither) or `VersionId` */
  ReadAs: string;
}

export interface VersionConsumers {
  VersionId: string;
  VersionStages: string[];
  Consumers: Consumer[];
}

// What rotation asks the audit trail (app.ts passes its secretReads: audit/secret-reads.ts says how it reads).
export type { ReadQuery, SecretReads } from '../audit/audit-trail.ts';
import type { ReadBucket, ReadQuery, SecretReads } from '../audit/audit-trail.ts';

interface Version {
  id: string;
  stages: string[];
  created: number;
}

export interface ConsumersDeps {
  store: Store;
  secretService: Pick<SecretService, 'listSecretVersionIds'>;
  functions: Pick<FunctionRegistry, 'kindOf'>;
  /** the audit trail's reads of a secret */
  reads: (q: ReadQuery) => Promise<SecretReads>;
  now: () => number;
}

/** `1h`, `90m`: the shortest exact form of a number of seconds. */
export function durationText(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** Alternating users: the built-in MultiUser templates set the password of the user AWSPREVIOUS names. */
export function alternatesUsers(kind: string | undefined): boolean {
  return kind !== undefined && kind.endsWith('MultiUser');
}

/** Which version each read got (see the top of the file), folded to the latest read per version and principal. */
export function attribute(found: SecretReads, versions: Version[]): Map<string, Map<string, Consumer>> {
  const holder = (stage: string) => versions.find((v) => v.stages.includes(stage));
  const previous = holder('AWSPREVIOUS');
  const byVersion = new Map<string, Map<string, Consumer>>();
  const versionOf = (read: ReadBucket): Version | undefined => {
    if (read.versionId) return versions.find((v) => v.id === read.versionId);
    if (read.phase === found.finalPhase) return holder(read.versionStage!);
    if (read.versionStage === 'AWSCURRENT' && previous && read.lastRead >= previous.created) return previous;
    return undefined;
  };
  for (const read of found.reads) {
    const version = versionOf(read);
    if (!version) continue;
    const consumers = byVersion.get(version.id) ?? new Map<string, Consumer>();
    byVersion.set(version.id, consumers);
    const seen = consumers.get(read.principalArn);
    if (!seen || seen.LastReadDate.getTime() < read.lastRead) {
      consumers.set(read.principalArn, { PrincipalArn: read.principalArn, LastReadDate: new Date(read.lastRead), ReadAs: read.versionId ? 'VersionId' : read.versionStage! });
    }
  }
  return byVersion;
}

export function createConsumers(deps: ConsumersDeps) {
  const { store, now } = deps;

  /** The labelled versions (ListSecretVersionIds leaves the others, deprecated, out). */
  async function versionsOf(arn: string): Promise<Version[]> {
    const scope = parseSecretArnScope(arn)!;
    const out = await deps.secretService.listSecretVersionIds(scope, { SecretId: arn, MaxResults: 100 });
    return (out.Versions ?? []).map((v) => ({ id: v.VersionId!, stages: v.VersionStages ?? [], created: v.CreatedDate ? v.CreatedDate.getTime() : 0 }));
  }

  /** The labelled versions' consumers, from the reads since `from` (most recent read first). */
  async function list(secret: { id: string; arn: string; name: string; accountId: string }, from: number) {
    const versions = await versionsOf(secret.arn);
    const row = await db.findRotation(store.db, secret.id);
    const current = versions.find((v) => v.stages.includes('AWSCURRENT'));
    const splitAt = Math.max(row?.last_rotated_at ?? 0, current?.created ?? 0);
    const found = await deps.reads({ accountId: secret.accountId, arn: secret.arn, name: secret.name, from, splitAt });
    const byVersion = attribute(found, versions);
    const result: VersionConsumers[] = versions.map((v) => ({
      VersionId: v.id,
      VersionStages: v.stages,
      Consumers: [...(byVersion.get(v.id)?.values() ?? [])].sort((a, b) => b.LastReadDate.getTime() - a.LastReadDate.getTime()),
    }));
    return { versions: result, eventsExamined: found.examined };
  }

  /** The consumers of AWSPREVIOUS within the idle time, and until when they hold its retirement back. */
  async function previousReaders(secret: { id: string; arn: string; name: string; accountId: string }, idleSeconds: number) {
    const { versions } = await list(secret, now() - idleSeconds * 1000);
    const previous = versions.find((v) => v.VersionStages.includes('AWSPREVIOUS') && !v.VersionStages.includes('AWSCURRENT'));
    const consumers = previous?.Consumers ?? [];
    const until = consumers.length > 0 ? Math.max(...consumers.map((c) => c.LastReadDate.getTime())) + idleSeconds * 1000 : undefined;
    return { versionId: previous?.VersionId, consumers, until };
  }

  /**
   * previousReaders for the status view, looked up at most every STATUS_REUSE_MS per secret: a status polled
   * every half second (`coffer rotate-secret --wait`) must not read the idle time's events each time. The
   * decision to hold a rotation (hold) always looks afresh.
   */
  const recent = new Map<string, { at: number; idleSeconds: number; readers: Awaited<ReturnType<typeof previousReaders>> }>();
  async function previousReadersForStatus(secret: { id: string; arn: string; name: string; accountId: string }, idleSeconds: number) {
    const t = now();
    for (const [id, entry] of recent) if (t - entry.at >= STATUS_REUSE_MS || t < entry.at) recent.delete(id);
    const kept = recent.get(secret.id);
    if (kept && kept.idleSeconds === idleSeconds) return kept.readers;
    const readers = await previousReaders(secret, idleSeconds);
    recent.set(secret.id, { at: t, idleSeconds, readers });
    return readers;
  }

  /**
   * Why a rotation of the secret must wait now (undefined: it need not): RetireAfterIdle is set, no run is under
   * way, its function (`lambdaArn`, or the configured one) alternates users, and AWSPREVIOUS was read within the
   * idle time.
   */
  async function hold(secret: { id: string; arn: string; name: string; accountId: string }, lambdaArn?: string): Promise<{ message: string; until: number } | undefined> {
    const setting = await retirementDb.findRetirement(store.db, secret.id);
    if (!setting) return undefined;
    const row = await db.findRotation(store.db, secret.id);
    // A run under way already holds its pending user's new password (or will be resumed as it is).
    if (row?.run_token) return undefined;
    const fn = lambdaArn || row?.lambda_arn;
    if (!fn || !alternatesUsers(await deps.functions.kindOf(fn))) return undefined;
    const { versionId, consumers, until } = await previousReaders(secret, setting.idle_seconds);
    if (until === undefined) return undefined;
    const who = consumers.map((c) => `${c.PrincipalArn} (last ${c.LastReadDate.toISOString()})`).join(', ');
    return {
      until,
      message: `Held: AWSPREVIOUS (version ${versionId}) was read within the last ${durationText(setting.idle_seconds)} by ${who}; the rotation that changes its user's password waits until ${new Date(until).toISOString()} (RetireAfterIdle).`,
    };
  }

  return {
    list,
    previousReaders,
    previousReadersForStatus,
    hold,
    setting: (secretId: string) => retirementDb.findRetirement(store.db, secretId),
    configure: async (secret: { id: string; accountId: string; region: string }, idleSeconds: number | undefined) =>
      idleSeconds === undefined
        ? retirementDb.deleteRetirement(store.db, secret.id)
        : retirementDb.saveRetirement(store.db, { secret_id: secret.id, account_id: secret.accountId, region: secret.region, idle_seconds: idleSeconds }),
    deleteOrphans: () => retirementDb.deleteOrphanRetirements(store.db),
  };
}

export type Consumers = ReturnType<typeof createConsumers>;
