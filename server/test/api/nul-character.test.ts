// The U+0000 rule (protocol/model/constraints.ts), through the SDK clients on both stores: a string that is
// stored or compared as text refuses it with a ValidationException and changes nothing, the same on SQLite and
// PostgreSQL (whose text cannot hold it); a secret value, sealed before it is stored, keeps it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSecretCommand, GetSecretValueCommand, UpdateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateKeyCommand, ListKeysCommand, type KMSClient } from '@aws-sdk/client-kms';
import { BACKENDS, expectAwsError, startAccessServer, uniqueName, type AccessServer } from '../access/helpers.ts';
import { scopeState, secretState } from './helpers.ts';

const NUL_REFUSED = /Member must not contain the character U\+0000/;

for (const backend of BACKENDS) describe(`U+0000 in requests (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let sm: SecretsManagerClient;
  let kms: KMSClient;
  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    sm = t.sm(t.root);
    kms = t.kms(t.root);
  });
  after(() => t.close());

  it('is refused in a description, a tag and a token, and nothing is stored', async () => {
    const name = uniqueName('nul');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v', Description: 'plain' }));
    const before = await scopeState(sm);
    const secretBefore = await secretState(sm, name);
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: uniqueName('nul'), SecretString: 'v', Description: 'a\u0000b' })), 'ValidationException', NUL_REFUSED);
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: uniqueName('nul'), SecretString: 'v', Tags: [{ Key: 'k\u0000', Value: 'v' }] })), 'ValidationException', NUL_REFUSED);
    await expectAwsError(sm.send(new UpdateSecretCommand({ SecretId: name, Description: '\u0000' })), 'ValidationException', NUL_REFUSED);
    await expectAwsError(sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'w', ClientRequestToken: `${'t'.repeat(40)}\u0000` })), 'ValidationException', NUL_REFUSED);
    assert.deepEqual(await scopeState(sm), before);
    assert.deepEqual(await secretState(sm, name), secretBefore);

    const keys = (await kms.send(new ListKeysCommand({}))).Keys;
    await expectAwsError(kms.send(new CreateKeyCommand({ Description: 'key\u0000' })), 'ValidationException', NUL_REFUSED);
    assert.deepEqual((await kms.send(new ListKeysCommand({}))).Keys, keys);
  });

  it('is kept in a secret value, which is sealed before it is stored', async () => {
    const name = uniqueName('nul-value');
    const value = 'before\u0000after';
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, value);
  });
});
