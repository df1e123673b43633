// Ansible against a real server: ansible/secrets.yml (community.aws.secretsmanager_secret and amazon.aws's
// aws_secret lookup) creates a secret with a description, tags and a value, sets a new value, deletes another and
// reads the values back; run twice, the second run changes nothing. The server's state is checked through the SDK.
// Without ansible-playbook and the AWS collections the suite is skipped with the reason, except under CI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { findAnsible } from '../support/aws-tools.ts';
import { runPlaybook } from '../support/ansible.ts';

const tools = await findAnsible();

describe('Ansible: secrets.yml against a real server', { skip: 'missing' in tools ? tools.missing : undefined }, () => {
  const { ansiblePlaybook } = tools as { ansiblePlaybook: string };
  let server: TestServer;
  let sm: SecretsManagerClient;
  const id = 'ansible/billing/db';

  before(async () => {
    server = await startTestServer();
    sm = server.client();
    await sm.send(new CreateSecretCommand({ Name: 'ansible/retired', SecretString: 'old' }));
  });
  after(() => server?.close());

  const versionCount = async () => (await sm.send(new ListSecretVersionIdsCommand({ SecretId: id }))).Versions?.length;

  test('the first run creates, updates and deletes; the second changes nothing', async () => {
    const first = await runPlaybook(ansiblePlaybook, 'secrets.yml', server);
    assert.deepEqual(first.failed, [], first.output);
    assert.equal(first.code, 0, first.output);
    assert.deepEqual(first.changedTasks, ['Create the billing database secret when it is missing', 'Set its value', 'Delete the retired secret']);
    assert.equal(first.changed, 3);

    const described = await sm.send(new DescribeSecretCommand({ SecretId: id }));
    assert.equal(described.Description, 'Database credentials of the billing app');
    assert.deepEqual(
      described.Tags?.map((t) => [t.Key, t.Value]).sort(),
      [
        ['managed-by', 'ansible'],
        ['team', 'billing'],
      ],
    );
    assert.equal(described.KmsKeyId, undefined, 'the default key');
    const current = await sm.send(new GetSecretValueCommand({ SecretId: id }));
    assert.deepEqual(JSON.parse(current.SecretString!), { username: 'billing', password: 'second-password' });
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSPREVIOUS' }));
    assert.deepEqual(JSON.parse(previous.SecretString!), { username: 'billing', password: 'first-password' });
    assert.equal(await versionCount(), 2);
    const retired = await sm.send(new DescribeSecretCommand({ SecretId: 'ansible/retired' }));
    assert.ok(retired.DeletedDate, 'the retired secret is scheduled for deletion');
    const days = (retired.DeletedDate!.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days < 7.1, `in the 7 days the playbook asked for, got ${days}`);

    const second = await runPlaybook(ansiblePlaybook, 'secrets.yml', server);
    assert.deepEqual(second.failed, [], second.output);
    assert.equal(second.code, 0, second.output);
    assert.deepEqual(second.changedTasks, [], second.output);
    assert.equal(second.changed, 0);
    assert.equal(await versionCount(), 2, 'no new version');
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: id }))).LastChangedDate?.getTime(), described.LastChangedDate?.getTime());
  });
});
