// What the backup test puts in a server and reads back: a fixture of every kind of thing a store holds
// (secrets with versions, labels, tags, a binary value, a resource policy, a deletion window; KMS keys with
// aliases, tags, rotations and a disabled one; users with policies and access keys; a rotation function with
// its sealed signing key), a snapshot of all of it through the SDK and the admin API, and a write load of
// PutSecretValue calls whose every acknowledged write can be checked for in a restored copy.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { rawRequest } from '../../../server/test/api/helpers.ts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The SDK clients and the admin API of one server, signed with one credential. */
export interface Clients {
  sm: SecretsManagerClient;
  kms: KMSClient;
  admin(operation: string, input?: Record<string, unknown>): Promise<Record<string, any>>;
  destroy(): void;
}

export function clientsFor(endpoint: string, credentials: Credentials): Clients {
  const sm = new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const kms = new KMSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  return {
    sm,
    kms,
    async admin(operation, input = {}) {
      const res = await rawRequest(endpoint, JSON.stringify(input), { credentials, target: `CofferAdmin.${operation}`, service: 'coffer' });
      assert.equal(res.status, 200, `${operation}: ${JSON.stringify(res.json)}`);
      return res.json ?? {};
    },
    destroy() {
      sm.destroy();
      kms.destroy();
    },
  };
}

/** Values the fixture stores; none may appear in the clear in a backup or in an error. */
export const FIXTURE_VALUES = ['{"username":"anika","password":"first-4c1d"}', '{"username":"anika","password":"second-77ab"}', 'third-value-9e02', 'policy-value-51f0'];
export const FIXTURE_BINARY = Buffer.from('binary-value-6d3a\u0000\u00ff', 'latin1');
export const KMS_PLAINTEXT = Buffer.from('kms-plaintext-8b21');

export interface Fixture {
  /** a KMS ciphertext made by the original server */
  ciphertext: Uint8Array;
  /** the user that may read fixture/json only */
  reader: Credentials;
}

export async function createFixture(c: Clients): Promise<Fixture> {
  const key = (await c.kms.send(new CreateKeyCommand({ Description: 'backup fixture', Tags: [{ TagKey: 'team', TagValue: 'core' }] }))).KeyMetadata!;
  await c.kms.send(new CreateAliasCommand({ AliasName: 'alias/backup-fixture', TargetKeyId: key.KeyId }));
  await c.kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
  await c.kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  const disabled = (await c.kms.send(new CreateKeyCommand({ Description: 'disabled fixture key' }))).KeyMetadata!;
  await c.kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
  const { CiphertextBlob } = await c.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: KMS_PLAINTEXT }));

  const json = await c.sm.send(
    new CreateSecretCommand({ Name: 'fixture/json', SecretString: FIXTURE_VALUES[0], KmsKeyId: 'alias/backup-fixture', Description: 'three versions', Tags: [{ Key: 'env', Value: 'prod' }] }),
  );
  await c.sm.send(new PutSecretValueCommand({ SecretId: 'fixture/json', SecretString: FIXTURE_VALUES[1] }));
  await c.sm.send(new PutSecretValueCommand({ SecretId: 'fixture/json', SecretString: FIXTURE_VALUES[2], VersionStages: ['BLUE'] }));
  await c.sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'fixture/json', VersionStage: 'GREEN', MoveToVersionId: json.VersionId }));
  await c.sm.send(new CreateSecretCommand({ Name: 'fixture/binary', SecretBinary: FIXTURE_BINARY }));
  await c.sm.send(new CreateSecretCommand({ Name: 'fixture/deleted', SecretString: 'deleted-value-0c9e' }));
  await c.sm.send(new DeleteSecretCommand({ SecretId: 'fixture/deleted', RecoveryWindowInDays: 7 }));

  const account = json.ARN!.split(':')[4];
  const readerArn = (await c.admin('CreateUser', { UserName: 'app-reader', Tags: [{ Key: 'app', Value: 'billing' }] })).User.Arn as string;
  const readPolicy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:us-east-1:${account}:secret:fixture/json-??????` },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.Arn },
    ],
  };
  await c.admin('PutUserPolicy', { UserName: 'app-reader', PolicyName: 'read-json', PolicyDocument: JSON.stringify(readPolicy) });
  const access = (await c.admin('CreateAccessKey', { UserName: 'app-reader' })).AccessKey;
  await c.admin('CreateUser', { UserName: 'idle', Path: '/ops/' });
  await c.sm.send(new CreateSecretCommand({ Name: 'fixture/policy', SecretString: FIXTURE_VALUES[3] }));
  const resourcePolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: readerArn }, Action: 'secretsmanager:DescribeSecret', Resource: '*' }] };
  await c.sm.send(new PutResourcePolicyCommand({ SecretId: 'fixture/policy', ResourcePolicy: JSON.stringify(resourcePolicy) }));
  await c.admin('CreateFunction', { Name: 'fixture-rotator', Url: 'http://127.0.0.1:9/rotate' });
  return { ciphertext: CiphertextBlob!, reader: { accessKeyId: access.AccessKeyId, secretAccessKey: access.SecretAccessKey } };
}

/** Drops what differs between two reads of the same store: response metadata, and LastAccessedDate (reading the values moves it). */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '$metadata' && k !== 'LastAccessedDate').map(([k, v]) => [k, stable(v)]));
}

async function attempt<T>(call: Promise<T>): Promise<T | { error: string }> {
  try {
    return await call;
  } catch (err) {
    return { error: (err as Error).name };
  }
}

/** Everything the fixture made, as the APIs show it (every secret version's value included). */
export async function fixtureSnapshot(c: Clients): Promise<unknown> {
  const secrets: unknown[] = [];
  const list = await c.sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: 'name', Values: ['fixture/'] }], SortOrder: 'asc' }));
  for (const entry of list.SecretList ?? []) {
    const describe = await c.sm.send(new DescribeSecretCommand({ SecretId: entry.ARN }));
    const versions = await c.sm.send(new ListSecretVersionIdsCommand({ SecretId: entry.ARN, IncludeDeprecated: true }));
    const values = [];
    for (const v of versions.Versions ?? []) values.push(await attempt(c.sm.send(new GetSecretValueCommand({ SecretId: entry.ARN, VersionId: v.VersionId }))));
    const policy = await attempt(c.sm.send(new GetResourcePolicyCommand({ SecretId: entry.ARN })));
    secrets.push({ describe, versions, values, policy });
  }
  const keys: unknown[] = [];
  for (const k of (await c.kms.send(new ListKeysCommand({}))).Keys ?? []) {
    keys.push({
      describe: await c.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId })),
      rotation: await attempt(c.kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }))),
      rotations: await attempt(c.kms.send(new ListKeyRotationsCommand({ KeyId: k.KeyId }))),
      tags: await attempt(c.kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))),
    });
  }
  const aliases = await c.kms.send(new ListAliasesCommand({}));
  const users: unknown[] = [];
  for (const u of (await c.admin('ListUsers')).Users as Array<{ UserName: string }>) {
    const policies = [];
    for (const name of (await c.admin('ListUserPolicies', { UserName: u.UserName })).PolicyNames as string[]) {
      policies.push(await c.admin('GetUserPolicy', { UserName: u.UserName, PolicyName: name }));
    }
    users.push({ user: await c.admin('GetUser', { UserName: u.UserName }), policies, keys: await c.admin('ListAccessKeys', { UserName: u.UserName }) });
  }
  const rootKeys = await c.admin('ListAccessKeys');
  const functions = await c.admin('ListFunctions');
  const accounts = await c.admin('ListAccounts');
  return stable({ secrets, keys, aliases, users, rootKeys, functions, accounts });
}

/** The version id (ClientRequestToken) of a load secret's k-th value: derived, so a restored copy can be checked. */
export function loadVersionId(name: string, k: number): string {
  const h = createHash('sha256').update(`${name}#${k}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Concurrent writers, each owning a few secrets and writing them in turn, one write at a time: writer w's
 * j-th write (from 0) is value j / n + 1 of its secret j mod n. So a copy of the store taken at one moment holds,
 * for each writer, a prefix of its writes: its first secrets one value ahead of the others, or all even.
 */
export interface Load {
  owned: string[][];
  /** writes acknowledged so far, and started so far, over all writers */
  acked(): number;
  started(): number;
  stop(): Promise<void>;
}

export async function startLoad(sm: SecretsManagerClient, writers: number, perWriter: number): Promise<Load> {
  const owned = Array.from({ length: writers }, (_, w) => Array.from({ length: perWriter }, (_, p) => `load/w${w}-s${p}`));
  for (const name of owned.flat()) await sm.send(new CreateSecretCommand({ Name: name, SecretString: `${name}#0`, ClientRequestToken: loadVersionId(name, 0) }));
  const acked = new Array<number>(writers).fill(0);
  const started = new Array<number>(writers).fill(0);
  let stopping = false;
  const done = Promise.all(
    owned.map(async (mine, w) => {
      for (let j = 0; !stopping; j++) {
        const name = mine[j % mine.length];
        const k = Math.floor(j / mine.length) + 1;
        started[w] = j + 1;
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${name}#${k}`, ClientRequestToken: loadVersionId(name, k) }));
        acked[w] = j + 1;
      }
    }),
  );
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  return {
    owned,
    acked: () => sum(acked),
    started: () => sum(started),
    async stop() {
      stopping = true;
      await done;
    },
  };
}

/**
 * Checks a restored copy against the load: each writer's secrets hold a prefix of its writes (values, version
 * ids, AWSCURRENT and AWSPREVIOUS as the writes left them). Returns the number of writes the copy holds.
 */
export async function checkLoad(sm: SecretsManagerClient, owned: string[][]): Promise<number> {
  let total = 0;
  for (const mine of owned) {
    const counts: number[] = [];
    for (const name of mine) {
      const { Versions } = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
      const k = Versions!.length - 1;
      const expected = Array.from({ length: k + 1 }, (_, i) => loadVersionId(name, i));
      assert.deepEqual(Versions!.map((v) => v.VersionId).sort(), [...expected].sort(), `${name}: the versions of its first ${k} writes`);
      const labelled = (stage: string) => Versions!.filter((v) => v.VersionStages?.includes(stage)).map((v) => v.VersionId);
      assert.deepEqual(labelled('AWSCURRENT'), [loadVersionId(name, k)], `${name}: AWSCURRENT on its last write`);
      assert.deepEqual(labelled('AWSPREVIOUS'), k > 0 ? [loadVersionId(name, k - 1)] : [], `${name}: AWSPREVIOUS on the one before`);
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${name}#${k}`);
      counts.push(k);
    }
    const writes = counts.reduce((x, y) => x + y, 0);
    const prefix = mine.map((_, p) => Math.floor(writes / mine.length) + (p < writes % mine.length ? 1 : 0));
    assert.deepEqual(counts, prefix, `one moment's copy holds a prefix of each writer's writes (${mine[0]}…)`);
    total += writes;
  }
  return total;
}
