// The servers the fuzz test talks to: one per store dialect (SQLite always; PostgreSQL when reachable,
// required under CI), seeded alike with secrets, versions, labels, tags, keys, aliases, a ciphertext, a user
// with a policy and an access key, and a rotation function, so that generated requests can name them.
import { createHash } from 'node:crypto';
import { DIALECTS, type DialectName, type StoreTarget } from '../store/dialects.ts';
import { rawRequest, type RawResponse } from '../api/helpers.ts';
import type { TestServer } from '../support/test-server.ts';
import type { RenderedRequest } from './fuzz-requests.ts';
import type { StoreRefs } from './refs.ts';

export const FUZZ_ACCOUNT = '111122223333';

/** Tables whose rows change on every call, failed ones included, by design: the audit trail and leases. */
const VOLATILE_TABLES = new Set(['audit_events', 'audit_segments', 'leases']);
/** SQLite's read-cache counter (store/db.ts) moves with every write statement, even one that matched no row. */
const isBookkeeping = (table: string, row: Record<string, unknown>) => table === 'meta' && row.key === 'change-generation';

export interface FuzzStore {
  dialect: DialectName;
  server: TestServer;
  refs: StoreRefs;
  send(request: RenderedRequest): Promise<RawResponse>;
  /** What the server logged as errors since the last call (the stack of a 5xx). */
  takeErrorLog(): string[];
  /** A digest per table of every row (audit and leases aside), once background work has settled. */
  snapshot(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/** The stores to fuzz, with the reason PostgreSQL is left out when it is. */
export async function startFuzzStores(): Promise<{ stores: FuzzStore[]; skipped: string[] }> {
  const stores: FuzzStore[] = [];
  const skipped: string[] = [];
  for (const dialect of DIALECTS) {
    if (dialect.skip) skipped.push(`${dialect.name}: ${dialect.skip}`);
    else stores.push(await startFuzzStore(await dialect.create()));
  }
  return { stores, skipped };
}

async function startFuzzStore(target: StoreTarget): Promise<FuzzStore> {
  // Kept, not printed: a finding shows the log of its own request.
  let errorLog: string[] = [];
  const logger = { error: (message: string, fields: Record<string, unknown>) => void errorLog.push(`${message} ${JSON.stringify(fields)}`) };
  // No background sweep: snapshot() runs the part of it a call can start (following the root key) itself,
  // where it cannot race with the next call and pass for a change that call made.
  const server = await target.start({ accountId: FUZZ_ACCOUNT, logger, env: { COFFER_SWEEP_INTERVAL_SECONDS: '86400' } });
  const refs = await seed(server);
  const db = server.app.store.db;
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !VOLATILE_TABLES.has(name));
  return {
    dialect: target.dialect,
    server,
    refs,
    send: (request) =>
      rawRequest(server.endpoint, request.body, {
        credentials: server.credentials,
        target: request.target,
        service: request.signingName,
        headers: { 'content-type': request.contentType },
      }),
    takeErrorLog() {
      const taken = errorLog;
      errorLog = [];
      return taken;
    },
    async snapshot() {
      // Background work a successful call started (a rotation, the re-wrap pass after RotateRootKey) is
      // finished first, so that it is not taken for a change made by the next, failing, call.
      await server.app.rotation.settled();
      await server.app.followRootKey();
      const digests = new Map<string, string>();
      for (const table of tables) {
        const rows = await db.selectFrom(table as never).selectAll().execute();
        const lines = rows
          .filter((row) => !isBookkeeping(table, row))
          .map((row) => JSON.stringify(row))
          .sort();
        digests.set(table, createHash('sha256').update(lines.join('\n')).digest('hex'));
      }
      return digests;
    },
    async close() {
      await server.close();
      await target.dispose();
    },
  };
}

/** The same names, tokens and contents on every store; ARNs and key ids differ, so each store keeps its own. */
async function seed(server: TestServer): Promise<StoreRefs> {
  const call = async (signingName: string, target: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await rawRequest(server.endpoint, JSON.stringify(input), { credentials: server.credentials, target, service: signingName });
    if (res.status !== 200) throw new Error(`seeding ${target} failed: ${res.status} ${res.text}`);
    return res.json ?? {};
  };
  const sm = (operation: string, input: Record<string, unknown>) => call('secretsmanager', `secretsmanager.${operation}`, input);
  const kms = (operation: string, input: Record<string, unknown>) => call('kms', `TrentService.${operation}`, input);
  const admin = (operation: string, input: Record<string, unknown>) => call('coffer', `CofferAdmin.${operation}`, input);
  const token = (n: number) => `fuzz-token-${String(n).padStart(4, '0')}-0000-0000-0000-000000000000`;

  const keyOne = (await kms('CreateKey', { Description: 'fuzz key one', Tags: [{ TagKey: 'team', TagValue: 'red' }] })).KeyMetadata as Record<string, string>;
  const keyTwo = (await kms('CreateKey', { Description: 'fuzz key two' })).KeyMetadata as Record<string, string>;
  await kms('CreateAlias', { AliasName: 'alias/fuzz-one', TargetKeyId: keyOne.KeyId });
  await kms('DisableKey', { KeyId: keyTwo.KeyId });
  const { CiphertextBlob } = await kms('Encrypt', { KeyId: keyOne.KeyId, Plaintext: Buffer.from('fuzz').toString('base64') });

  const alpha = await sm('CreateSecret', {
    Name: 'fuzz-alpha',
    ClientRequestToken: token(1),
    SecretString: 'alpha one',
    Description: 'the first fuzz secret',
    Tags: [
      { Key: 'team', Value: 'red' },
      { Key: 'env', Value: 'test' },
    ],
  });
  await sm('PutSecretValue', { SecretId: 'fuzz-alpha', ClientRequestToken: token(2), SecretString: 'alpha two' });
  await sm('PutSecretValue', { SecretId: 'fuzz-alpha', ClientRequestToken: token(3), SecretString: 'alpha three', VersionStages: ['custom'] });
  const beta = await sm('CreateSecret', { Name: 'fuzz/beta', ClientRequestToken: token(4), SecretBinary: Buffer.from([0, 1, 2]).toString('base64') });
  const gamma = await sm('CreateSecret', { Name: 'fuzz-gamma', ClientRequestToken: token(5) });
  const cmk = await sm('CreateSecret', { Name: 'fuzz-cmk', ClientRequestToken: token(6), SecretString: '{"k":"v"}', KmsKeyId: 'alias/fuzz-one' });
  const deleted = await sm('CreateSecret', { Name: 'fuzz-deleted', ClientRequestToken: token(7), SecretString: 'gone soon' });
  await sm('DeleteSecret', { SecretId: 'fuzz-deleted', RecoveryWindowInDays: 7 });
  const rootOnly = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FUZZ_ACCOUNT}:root` }, Action: 'secretsmanager:*', Resource: '*' });
  await sm('PutResourcePolicy', { SecretId: 'fuzz-cmk', ResourcePolicy: rootOnly });

  await admin('CreateUser', { UserName: 'fuzz-user', Tags: [{ Key: 'team', Value: 'red' }] });
  const userPolicy = policy({ Effect: 'Allow', Action: ['secretsmanager:*', 'kms:*'], Resource: '*' });
  await admin('PutUserPolicy', { UserName: 'fuzz-user', PolicyName: 'fuzz-policy', PolicyDocument: userPolicy });
  const { AccessKey } = (await admin('CreateAccessKey', { UserName: 'fuzz-user' })) as { AccessKey: Record<string, string> };
  const userArn = `arn:aws:iam::${FUZZ_ACCOUNT}:user/fuzz-user`;
  const grant = await kms('CreateGrant', { KeyId: keyOne.KeyId, GranteePrincipal: userArn, RetiringPrincipal: userArn, Operations: ['Encrypt', 'Decrypt'], Name: 'fuzz-grant' });
  const fn = await admin('CreateFunction', { Name: 'fuzz-fn', Template: 'SecretsManagerRDSPostgreSQLRotationSingleUser' });

  const arns = [alpha, beta, gamma, cmk, deleted].map((s) => String(s.ARN));
  return {
    secret: [...arns.flatMap((arn) => [arn, nameOf(arn)]), arns[0].slice(0, -7), 'fuzz-missing'],
    secretName: ['fuzz-alpha', 'fuzz/beta', 'fuzz-gamma', 'fuzz-cmk', 'fuzz-deleted', 'fuzz-new'],
    version: [1, 2, 3, 4, 5, 6, 7].map(token),
    stage: ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING', 'custom'],
    tagKey: ['team', 'env'],
    key: [keyOne.KeyId, keyOne.Arn, 'alias/fuzz-one', `arn:aws:kms:us-east-1:${FUZZ_ACCOUNT}:alias/fuzz-one`, keyTwo.KeyId, 'alias/aws/secretsmanager'],
    alias: ['alias/fuzz-one', 'alias/fuzz-two', 'alias/aws/secretsmanager'],
    ciphertext: [String(CiphertextBlob)],
    user: ['fuzz-user', 'fuzz-nobody'],
    // 'default' is the only key policy name; the last policy is a valid key policy (its lockout check passes).
    policyName: ['fuzz-policy', 'default'],
    policy: [rootOnly, userPolicy, policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FUZZ_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' })],
    accessKey: [AccessKey.AccessKeyId],
    function: ['fuzz-fn'],
    functionArn: [String(fn.FunctionArn)],
    account: [FUZZ_ACCOUNT],
    principal: [userArn, `arn:aws:iam::${FUZZ_ACCOUNT}:root`],
    grant: [String(grant.GrantId)],
    grantToken: [String(grant.GrantToken)],
  };
}

function policy(statement: Record<string, unknown>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
}

/** A secret's name from its ARN (the part after `secret:` without the 7-character suffix). */
function nameOf(arn: string): string {
  return arn.slice(arn.indexOf(':secret:') + 8, -7);
}
