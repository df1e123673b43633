// TagResource and UntagResource through the SDK.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { INVALID_NAME, MARKED_FOR_DELETION, SECRET_NOT_FOUND, expectAwsError, secretState, uniqueName } from './helpers.ts';

let server: TestServer;
let sm: SecretsManagerClient;

before(async () => {
  server = await startTestServer();
  sm = server.client();
});
after(() => server.close());

const fields = (o: object) => Object.keys(o).filter((k) => k !== '$metadata');
const tag = (SecretId: string, Tags: Tag[]) => sm.send(new TagResourceCommand({ SecretId, Tags }));
const untag = (SecretId: string, TagKeys: string[]) => sm.send(new UntagResourceCommand({ SecretId, TagKeys }));
const tagsOf = async (id: string) => (await sm.send(new DescribeSecretCommand({ SecretId: id }))).Tags;

async function newSecret(tags?: Tag[]): Promise<string> {
  const name = uniqueName('tag');
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', Tags: tags }));
  return name;
}

describe('TagResource', () => {
  it('adds tags, replaces the value of an existing key, keeps keys case-sensitive, answers no fields', async () => {
    const name = await newSecret([{ Key: 'a', Value: '1' }]);
    const res = await tag(name, [{ Key: 'A', Value: 'upper' }, { Key: 'b', Value: '2' }]);
    assert.deepEqual(fields(res), []);
    assert.deepEqual(await tagsOf(name), [{ Key: 'a', Value: '1' }, { Key: 'A', Value: 'upper' }, { Key: 'b', Value: '2' }]);
    await tag(name, [{ Key: 'a', Value: 'replaced' }]);
    assert.deepEqual(await tagsOf(name), [{ Key: 'a', Value: 'replaced' }, { Key: 'A', Value: 'upper' }, { Key: 'b', Value: '2' }]);
  });

  it('allows 50 tags and refuses the 51st, changing nothing', async () => {
    const name = await newSecret();
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
    await tag(name, fifty);
    assert.equal((await tagsOf(name))!.length, 50);
    const state = await secretState(sm, name);
    await expectAwsError(tag(name, [{ Key: 'k50', Value: 'x' }]), 'InvalidParameterException', /at most 50 tags/);
    assert.deepEqual(await secretState(sm, name), state);
    // replacing a value at the limit is fine
    await tag(name, [{ Key: 'k0', Value: 'new' }]);
    assert.equal((await tagsOf(name))![0].Value, 'new');
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: uniqueName('many'), Tags: [...fifty, { Key: 'one-more', Value: '' }] })),
      'InvalidParameterException',
      /at most 50 tags/,
    );
  });

  it('reserves the aws: prefix and refuses duplicate keys in one request', async () => {
    const name = await newSecret([{ Key: 'keep', Value: 'me' }]);
    const state = await secretState(sm, name);
    await expectAwsError(tag(name, [{ Key: 'aws:owner', Value: 'x' }]), 'InvalidParameterException', /aws:/);
    await expectAwsError(tag(name, [{ Key: 'AWS:owner', Value: 'x' }]), 'InvalidParameterException', /aws:/);
    await expectAwsError(tag(name, [{ Key: 'd', Value: '1' }, { Key: 'd', Value: '2' }]), 'InvalidParameterException', /Duplicate tag key d/);
    assert.deepEqual(await secretState(sm, name), state);
    const created = uniqueName('reserved');
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: created, Tags: [{ Key: 'aws:x', Value: '' }] })), 'InvalidParameterException');
    await expectAwsError(sm.send(new DescribeSecretCommand({ SecretId: created })), 'ResourceNotFoundException');
  });

  it('refuses a tag without a Key on TagResource and CreateSecret, takes one without a Value as empty', async () => {
    const name = await newSecret([{ Key: 'keep', Value: 'me' }]);
    const state = await secretState(sm, name);
    const noKey = /Tag 2 of the request has no Key/;
    await expectAwsError(tag(name, [{ Key: 'a', Value: '1' }, { Value: 'v' }]), 'InvalidParameterException', noKey);
    await expectAwsError(tag(name, [{ Key: 'a', Value: '1' }, {}]), 'InvalidParameterException', noKey);
    assert.deepEqual(await secretState(sm, name), state);
    const created = uniqueName('keyless');
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: created, Tags: [{ Key: 'a', Value: '1' }, { Value: 'v' }] })), 'InvalidParameterException', noKey);
    await expectAwsError(sm.send(new DescribeSecretCommand({ SecretId: created })), 'ResourceNotFoundException');
    await tag(name, [{ Key: 'bare' }]);
    assert.deepEqual(await tagsOf(name), [{ Key: 'keep', Value: 'me' }, { Key: 'bare', Value: '' }]);
  });

  it('checks key and value lengths with the model', async () => {
    const name = await newSecret();
    const state = await secretState(sm, name);
    await expectAwsError(
      tag(name, [{ Key: 'k'.repeat(129), Value: 'v' }]),
      'ValidationException',
      `1 validation error detected: Value '${'k'.repeat(129)}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    await expectAwsError(tag(name, [{ Key: 'k', Value: 'v'.repeat(257) }]), 'ValidationException', /at 'tags.1.member.value'.*less than or equal to 256/);
    await expectAwsError(tag(name, [{ Key: '', Value: 'v' }]), 'ValidationException', /at 'tags.1.member.key'.*greater than or equal to 1/);
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('refuses secrets scheduled for deletion, unknown secrets and bad ids', async () => {
    const name = await newSecret([{ Key: 'a', Value: '1' }]);
    await sm.send(new DeleteSecretCommand({ SecretId: name }));
    const state = await secretState(sm, name);
    await expectAwsError(tag(name, [{ Key: 'b', Value: '2' }]), 'InvalidRequestException', MARKED_FOR_DELETION);
    await expectAwsError(untag(name, ['a']), 'InvalidRequestException', MARKED_FOR_DELETION);
    assert.deepEqual(await secretState(sm, name), state);
    await expectAwsError(tag(uniqueName('nope'), [{ Key: 'b', Value: '2' }]), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    await expectAwsError(untag(uniqueName('nope'), ['b']), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    await expectAwsError(tag('bad*id', [{ Key: 'b', Value: '2' }]), 'ValidationException', INVALID_NAME);
  });
});

describe('UntagResource', () => {
  it('removes only the named keys, case-sensitively, answers no fields, ignores unknown keys', async () => {
    const name = await newSecret([{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }, { Key: 'b', Value: '3' }]);
    const res = await untag(name, ['a', 'missing']);
    assert.deepEqual(fields(res), []);
    assert.deepEqual(await tagsOf(name), [{ Key: 'A', Value: '2' }, { Key: 'b', Value: '3' }]);
    await untag(name, ['A', 'b']);
    assert.deepEqual(await tagsOf(name), []);
  });
});
