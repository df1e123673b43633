// KMS grants through @aws-sdk/client-kms against a real server, on both stores: CreateGrant, ListGrants
// (paging, filters), ListRetirableGrants, RetireGrant (by token, by key and grant id), RevokeGrant, and grants
// honoured in authorization: a user without any policy encrypts and decrypts through a grant, constraints on
// the encryption context, explicit denies, who may retire and revoke.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGrantCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  ReEncryptCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
  CreateKeyCommand,
  type CreateGrantCommandInput,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, permitted, startAccessServer, type AccessServer } from '../access/helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);

for (const backend of BACKENDS) describe(`KMS grants (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let root: KMSClient;
  let userArn: (name: string) => string;

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    root = t.kms(t.root);
    userArn = (name) => `arn:aws:iam::${t.accountId}:user/${name}`;
  });
  after(() => t.close());

  const newKey = async () => (await root.send(new CreateKeyCommand({ Description: 'grants' }))).KeyMetadata!;
  const grant = async (input: CreateGrantCommandInput) => root.send(new CreateGrantCommand(input));
  const grantIds = async (KeyId: string) => (await root.send(new ListGrantsCommand({ KeyId }))).Grants!.map((g) => g.GrantId).sort();

  it('ListGrants on a key without grants answers an empty list (as Ansible expects)', async () => {
    const key = await newKey();
    const out = await root.send(new ListGrantsCommand({ KeyId: key.KeyId }));
    assert.deepEqual(out.Grants, []);
    assert.equal(out.Truncated, false);
    assert.equal(out.NextMarker, undefined);
  });

  it('CreateGrant, ListGrants with paging and filters, Name retries, RetireGrant and RevokeGrant', async () => {
    const key = await newKey();
    const made = await grant({
      KeyId: key.Arn,
      GranteePrincipal: userArn('app'),
      RetiringPrincipal: userArn('ops'),
      Operations: ['Encrypt', 'Decrypt', 'Encrypt'],
      Constraints: { EncryptionContextSubset: { app: 'one' } },
      Name: 'app-grant',
    });
    assert.match(made.GrantId!, /^[0-9a-f]{64}$/);
    assert.ok(made.GrantToken && made.GrantToken.length > 32);
    // The same Name and parameters: the same grant, a new token.
    const again = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('app'), RetiringPrincipal: userArn('ops'), Operations: ['Decrypt', 'Encrypt'], Constraints: { EncryptionContextSubset: { app: 'one' } }, Name: 'app-grant' });
    assert.equal(again.GrantId, made.GrantId);
    assert.notEqual(again.GrantToken, made.GrantToken);
    // The same Name with other parameters is another grant, as in AWS (names are not unique).
    const other = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('app'), Operations: ['Decrypt'], Name: 'app-grant' });
    assert.notEqual(other.GrantId, made.GrantId);

    const { Grants } = await root.send(new ListGrantsCommand({ KeyId: key.KeyId, GrantId: made.GrantId }));
    assert.equal(Grants!.length, 1);
    const { CreationDate, ...entry } = Grants![0];
    assert.ok(CreationDate instanceof Date && Math.abs(CreationDate.getTime() - Date.now()) < 60_000);
    assert.deepEqual(entry, {
      KeyId: key.Arn,
      GrantId: made.GrantId,
      Name: 'app-grant',
      GranteePrincipal: userArn('app'),
      RetiringPrincipal: userArn('ops'),
      IssuingAccount: `arn:aws:iam::${t.accountId}:root`,
      Operations: ['Decrypt', 'Encrypt'],
      Constraints: { EncryptionContextSubset: { app: 'one' } },
    });

    const more = [];
    for (let i = 0; i < 3; i++) more.push((await grant({ KeyId: key.KeyId, GranteePrincipal: userArn(`g${i}`), Operations: ['DescribeKey'] })).GrantId!);
    const all = [made.GrantId!, other.GrantId!, ...more].sort();
    assert.deepEqual(await grantIds(key.KeyId!), all);
    const seen: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const page = await root.send(new ListGrantsCommand({ KeyId: key.KeyId, Limit: 2, Marker }));
      assert.ok(page.Grants!.length <= 2);
      seen.push(...page.Grants!.map((g) => g.GrantId!));
      assert.equal(page.Truncated, page.NextMarker !== undefined);
      Marker = page.NextMarker;
      pages++;
    } while (Marker);
    assert.deepEqual(seen, all);
    assert.equal(pages, 3);
    const byGrantee = await root.send(new ListGrantsCommand({ KeyId: key.KeyId, GranteePrincipal: userArn('g1') }));
    assert.deepEqual(byGrantee.Grants!.map((g) => g.GrantId), [more[1]]);
    await expectAwsError(root.send(new ListGrantsCommand({ KeyId: key.KeyId, Marker: 'bogus' })), 'InvalidMarkerException');

    const retirable = await root.send(new ListRetirableGrantsCommand({ RetiringPrincipal: userArn('ops') }));
    assert.deepEqual(retirable.Grants!.map((g) => [g.GrantId, g.KeyId]), [[made.GrantId, key.Arn]]);
    assert.equal(retirable.Truncated, false);

    // Retire by token, by key and grant id; revoke by key and grant id. Each leaves the others.
    await root.send(new RetireGrantCommand({ GrantToken: again.GrantToken }));
    assert.deepEqual(await grantIds(key.KeyId!), all.filter((id) => id !== made.GrantId));
    await expectAwsError(root.send(new RetireGrantCommand({ GrantToken: made.GrantToken })), 'NotFoundException', /not found/);
    await root.send(new RetireGrantCommand({ KeyId: key.Arn, GrantId: more[0] }));
    await root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: more[1] }));
    assert.deepEqual(await grantIds(key.KeyId!), [other.GrantId!, more[2]].sort());
    await expectAwsError(root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: more[1] })), 'NotFoundException');
    assert.deepEqual((await root.send(new ListRetirableGrantsCommand({ RetiringPrincipal: userArn('ops') }))).Grants, []);
  });

  it('refuses what AWS refuses and changes nothing', async () => {
    const key = await newKey();
    const base = { KeyId: key.KeyId, GranteePrincipal: userArn('app') };
    await expectAwsError(grant({ ...base, Operations: ['Sign'] }), 'ValidationException', /Sign/);
    await expectAwsError(grant({ ...base, Operations: [] }), 'ValidationException');
    await expectAwsError(grant({ ...base, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { a: '1' }, EncryptionContextEquals: { a: '1' } } }), 'ValidationException', /only one type/);
    await expectAwsError(grant({ ...base, Operations: ['Decrypt'], DryRun: true }), 'DryRunOperationException');
    await expectAwsError(grant({ ...base, KeyId: 'alias/aws/secretsmanager', Operations: ['Decrypt'] }), 'NotFoundException');
    await expectAwsError(grant({ ...base, Operations: ['Decrypt'], GrantTokens: Array.from({ length: 11 }, () => 'x') }), 'ValidationException');
    assert.deepEqual(await grantIds(key.KeyId!), []);
    await expectAwsError(root.send(new ListGrantsCommand({ KeyId: key.KeyId, GrantId: 'nope' })), 'InvalidGrantIdException');
    await expectAwsError(root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: 'nope' })), 'InvalidGrantIdException');
    await expectAwsError(root.send(new RetireGrantCommand({ GrantToken: 'not-a-token' })), 'InvalidGrantTokenException');
    await expectAwsError(root.send(new RetireGrantCommand({ KeyId: key.KeyId })), 'ValidationException');
    const { GrantId } = await grant({ ...base, Operations: ['Decrypt'] });
    await expectAwsError(root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId, DryRun: true })), 'DryRunOperationException');
    assert.deepEqual(await grantIds(key.KeyId!), [GrantId]);
    // A key pending deletion takes no new grant; its grants can still be listed and revoked.
    await root.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    await expectAwsError(grant({ ...base, Operations: ['Decrypt'] }), 'KMSInvalidStateException', /pending deletion/);
    assert.deepEqual(await grantIds(key.KeyId!), [GrantId]);
    await root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId }));
    // Grant tokens are accepted where the model has them, known or not.
    const k2 = await newKey();
    await root.send(new EncryptCommand({ KeyId: k2.KeyId, Plaintext: text('x'), GrantTokens: ['unknown-token'] }));
  });

  it('a user without any policy encrypts and decrypts only through a grant, until it is revoked', async () => {
    const key = await newKey();
    const user = t.kms(await t.user('grantee'));
    await expectAwsError(user.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x') })), 'AccessDeniedException', /kms:Encrypt/);
    const { GrantId, GrantToken } = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('grantee'), Operations: ['Encrypt', 'Decrypt', 'DescribeKey'] });
    const { CiphertextBlob } = await user.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('granted'), GrantTokens: [GrantToken!] }));
    const { Plaintext } = await user.send(new DecryptCommand({ CiphertextBlob }));
    assert.equal(new TextDecoder().decode(Plaintext), 'granted');
    assert.equal((await user.send(new DescribeKeyCommand({ KeyId: key.Arn }))).KeyMetadata!.KeyId, key.KeyId);
    // Only the operations of the grant, only on its key.
    await expectAwsError(user.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' })), 'AccessDeniedException', /kms:GenerateDataKey/);
    const other = await newKey();
    await expectAwsError(user.send(new EncryptCommand({ KeyId: other.KeyId, Plaintext: text('x') })), 'AccessDeniedException');
    await expectAwsError(user.send(new ListGrantsCommand({ KeyId: key.KeyId })), 'AccessDeniedException', /kms:ListGrants/);
    // The grantee may not revoke (no kms:RevokeGrant), nor retire (neither retiring principal nor RetireGrant in the grant).
    await expectAwsError(user.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId })), 'AccessDeniedException', /kms:RevokeGrant/);
    await expectAwsError(user.send(new RetireGrantCommand({ GrantToken })), 'AccessDeniedException', /kms:RetireGrant/);
    await root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId }));
    await expectAwsError(user.send(new DecryptCommand({ CiphertextBlob })), 'AccessDeniedException', /kms:Decrypt/);
  });

  it('encryption context constraints: subset and equals, keys without case, values with case', async () => {
    const key = await newKey();
    const subsetUser = t.kms(await t.user('subset'));
    const equalsUser = t.kms(await t.user('equals'));
    await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('subset'), Operations: ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo'], Constraints: { EncryptionContextSubset: { tenant: 'a' } } });
    await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('equals'), Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { tenant: 'a', app: 'x' } } });
    const encrypt = (c: KMSClient, EncryptionContext?: Record<string, string>) => permitted(c.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x'), EncryptionContext })));
    assert.equal(await encrypt(subsetUser, { tenant: 'a' }), true);
    assert.equal(await encrypt(subsetUser, { TENANT: 'a', extra: 'y' }), true, 'keys match without case, more pairs allowed');
    assert.equal(await encrypt(subsetUser, { tenant: 'A' }), false, 'values match with case');
    assert.equal(await encrypt(subsetUser), false);
    assert.equal(await encrypt(equalsUser, { app: 'x', tenant: 'a' }), true);
    assert.equal(await encrypt(equalsUser, { app: 'x', tenant: 'a', extra: 'y' }), false, 'equals: no more pairs');
    assert.equal(await encrypt(equalsUser, { tenant: 'a' }), false, 'equals: no fewer pairs');
    // ReEncrypt: each side's context is checked against the constraint.
    const { CiphertextBlob } = await subsetUser.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x'), EncryptionContext: { tenant: 'a' } }));
    assert.equal(await permitted(subsetUser.send(new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: { tenant: 'a' }, DestinationKeyId: key.KeyId, DestinationEncryptionContext: { tenant: 'a', v: '2' } }))), true);
    assert.equal(await permitted(subsetUser.send(new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: { tenant: 'a' }, DestinationKeyId: key.KeyId, DestinationEncryptionContext: { tenant: 'b' } }))), false);
  });

  it('no grant overrides an explicit deny; the retiring principal and a grantee with RetireGrant may retire', async () => {
    const key = await newKey();
    const denied = t.kms(await t.user('denied', { d: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' }] } }));
    await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('denied'), Operations: ['Encrypt'] });
    await expectAwsError(denied.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x') })), 'AccessDeniedException', /explicit deny/);

    const retirer = t.kms(await t.user('retirer'));
    const selfRetiring = t.kms(await t.user('self-retiring'));
    const g1 = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('app'), RetiringPrincipal: userArn('retirer'), Operations: ['Decrypt'] });
    const g2 = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('self-retiring'), Operations: ['Decrypt', 'RetireGrant'] });
    const g3 = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('app'), Operations: ['Decrypt'] });
    await expectAwsError(retirer.send(new RetireGrantCommand({ KeyId: key.KeyId, GrantId: g3.GrantId })), 'AccessDeniedException');
    await retirer.send(new RetireGrantCommand({ GrantToken: g1.GrantToken }));
    await expectAwsError(selfRetiring.send(new RetireGrantCommand({ KeyId: key.KeyId, GrantId: g3.GrantId })), 'AccessDeniedException');
    await selfRetiring.send(new RetireGrantCommand({ KeyId: key.Arn, GrantId: g2.GrantId }));
    assert.ok(!(await grantIds(key.KeyId!)).includes(g1.GrantId!));
    assert.ok(!(await grantIds(key.KeyId!)).includes(g2.GrantId!));
    // A policy's kms:RevokeGrant lets a user revoke.
    const revoker = t.kms(await t.user('revoker', { p: allow('kms:RevokeGrant', key.Arn!) }));
    await revoker.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: g3.GrantId }));
    assert.ok(!(await grantIds(key.KeyId!)).includes(g3.GrantId!));
  });

  it('a grant with CreateGrant lets its grantee make grants no wider than its own', async () => {
    const key = await newKey();
    const delegate = t.kms(await t.user('delegate'));
    await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('delegate'), Operations: ['CreateGrant', 'Decrypt'], Constraints: { EncryptionContextSubset: { tenant: 'a' } } });
    const child = (Operations: CreateGrantCommandInput['Operations'], Constraints?: CreateGrantCommandInput['Constraints']) =>
      permitted(delegate.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: userArn('child'), Operations, Constraints })));
    assert.equal(await child(['Decrypt'], { EncryptionContextSubset: { tenant: 'a', app: 'x' } }), true);
    assert.equal(await child(['Decrypt'], { EncryptionContextEquals: { tenant: 'a' } }), true);
    assert.equal(await child(['Decrypt']), false, 'no constraint is wider');
    assert.equal(await child(['Decrypt'], { EncryptionContextSubset: { tenant: 'b' } }), false);
    assert.equal(await child(['Encrypt'], { EncryptionContextSubset: { tenant: 'a' } }), false, 'an operation the grant lacks');
  });

  it('Secrets Manager honours a grant without constraint on the caller\'s behalf; constrained grants and explicit denies do not help', async () => {
    const key = await newKey();
    const rootSm = t.sm(t.root);
    await rootSm.send(new CreateSecretCommand({ Name: 'grants/app', SecretString: 'v1', KmsKeyId: key.Arn }));
    const smOnly = allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
    const reader = t.sm(await t.user('sm-reader', { p: smOnly }));
    const constrained = t.sm(await t.user('sm-constrained', { p: smOnly }));
    const denied = t.sm(await t.user('sm-denied', { p: smOnly, d: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] } }));
    const read = (c: typeof reader) => c.send(new GetSecretValueCommand({ SecretId: 'grants/app' }));
    await expectAwsError(read(reader), 'AccessDeniedException', /kms:Decrypt/);
    const { GrantId } = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('sm-reader'), Operations: ['Decrypt', 'GenerateDataKey'] });
    await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('sm-constrained'), Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { SecretARN: 'x' } } });
    await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('sm-denied'), Operations: ['Decrypt'] });
    assert.equal((await read(reader)).SecretString, 'v1');
    await reader.send(new PutSecretValueCommand({ SecretId: 'grants/app', SecretString: 'v2' }));
    assert.equal((await read(reader)).SecretString, 'v2');
    await expectAwsError(read(constrained), 'AccessDeniedException', /kms:Decrypt/);
    await expectAwsError(read(denied), 'AccessDeniedException', /explicit deny/);
    await root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId }));
    await expectAwsError(read(reader), 'AccessDeniedException', /kms:Decrypt/);
  });

  it('the grant operations are audited like the others, filed under the key as the call named it', async () => {
    const key = await newKey();
    const { GrantId } = await grant({ KeyId: key.KeyId, GranteePrincipal: userArn('audited'), Operations: ['Decrypt'] });
    await root.send(new ListGrantsCommand({ KeyId: key.KeyId }));
    await root.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId }));
    const { Events } = (await t.admin('LookupEvents', { MaxResults: 10 })) as { Events: Array<{ EventName: string; ResourceArn?: string; ReadOnly: string; CloudTrailEvent: string }> };
    const [revoke, list, create] = Events.filter((e) => e.EventName !== 'LookupEvents');
    assert.deepEqual([revoke.EventName, list.EventName, create.EventName], ['RevokeGrant', 'ListGrants', 'CreateGrant']);
    assert.deepEqual([revoke.ResourceArn, list.ResourceArn, create.ResourceArn], [key.KeyId, key.KeyId, key.KeyId]);
    const record = JSON.parse(create.CloudTrailEvent) as { requestParameters: Record<string, unknown>; responseElements: Record<string, unknown>; readOnly: boolean };
    assert.equal(record.readOnly, false);
    assert.deepEqual(record.requestParameters.Operations, ['Decrypt']);
    assert.equal(record.responseElements.GrantId, GrantId);
    assert.equal((JSON.parse(list.CloudTrailEvent) as { readOnly: boolean }).readOnly, true);
  });
});
