// Ansible against a real server: ansible/kms-keys.yml (amazon.aws.kms_key, kms_key_info) creates a key with an
// alias, a description, tags and rotation, then finds it by its alias; run twice, the second run changes nothing.
// The key is checked through the SDK. kms_key reads a key's policies and grants (GetKeyPolicy, ListKeyPolicies,
// ListGrants), so this suite needs those operations. Without ansible-playbook and the AWS collections the suite is
// skipped with the reason, except under CI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListResourceTagsCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { findAnsible } from '../support/aws-tools.ts';
import { runPlaybook } from '../support/ansible.ts';

const tools = await findAnsible();

describe('Ansible: kms-keys.yml against a real server', { skip: 'missing' in tools ? tools.missing : undefined }, () => {
  const { ansiblePlaybook } = tools as { ansiblePlaybook: string };
  let server: TestServer;
  let kms: KMSClient;

  before(async () => {
    server = await startTestServer();
    kms = server.kmsClient();
  });
  after(() => server?.close());

  test('the first run creates the key as declared; the second changes nothing', async () => {
    const first = await runPlaybook(ansiblePlaybook, 'kms-keys.yml', server);
    assert.deepEqual(first.failed, [], first.output);
    assert.equal(first.code, 0, first.output);
    assert.deepEqual(first.changedTasks, ['The billing key, with an alias, a description, tags and yearly rotation']);

    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/ansible-billing' }));
    assert.deepEqual([KeyMetadata?.Description, KeyMetadata?.KeyState, KeyMetadata?.KeySpec], ['Key of the billing secrets', 'Enabled', 'SYMMETRIC_DEFAULT']);
    const keyId = KeyMetadata!.KeyId!;
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    assert.deepEqual(
      tags.Tags?.map((t) => [t.TagKey, t.TagValue]).sort(),
      [
        ['managed-by', 'ansible'],
        ['team', 'billing'],
      ],
    );
    assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled, true);

    const second = await runPlaybook(ansiblePlaybook, 'kms-keys.yml', server);
    assert.deepEqual(second.failed, [], second.output);
    assert.equal(second.code, 0, second.output);
    assert.deepEqual(second.changedTasks, [], second.output);
    assert.equal(second.changed, 0);
    const aliases = await kms.send(new ListAliasesCommand({ KeyId: keyId }));
    assert.deepEqual(aliases.Aliases?.map((a) => a.AliasName), ['alias/ansible-billing'], 'one key, one alias: nothing made twice');
  });
});
