// --output json|text|table|yaml|off, --query, and automatic pagination against --max-items, --page-size and
// --starting-token with the aws CLI's NextToken semantics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startCliServer, type CliServer } from './support/cli.ts';

describe('coffer output formats, --query and pagination', () => {
  let s: CliServer;
  const pageNames = Array.from({ length: 7 }, (_, i) => `page/${String(i).padStart(2, '0')}`);

  before(async () => {
    s = await startCliServer();
    const sdk = s.server.client();
    await sdk.send(new CreateSecretCommand({ Name: 'fmt/one', Description: 'formats', SecretString: '{"a":1}', Tags: [{ Key: 'team', Value: 'core' }, { Key: 'tier', Value: '1' }] }));
    for (const name of pageNames) await sdk.send(new CreateSecretCommand({ Name: name, SecretString: name }));
  });
  after(async () => {
    await s?.close();
  });

  test('the same response as json, text, table, yaml and off; --query applied before formatting', async () => {
    const base = ['describe-secret', '--secret-id', 'fmt/one'];
    const [json, text, table, yaml, off, queried, scalar] = await Promise.all([
      s.run([...base]),
      s.run([...base, '--output', 'text']),
      s.run([...base, '--output', 'table']),
      s.run([...base, '--output', 'yaml']),
      s.run([...base, '--output', 'off']),
      s.run([...base, '--query', '{Name: Name, Keys: Tags[].Key}', '--output', 'text']),
      s.run([...base, '--query', 'Name']),
    ]);
    for (const r of [json, text, table, yaml, off, queried, scalar]) assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(json.stdout) as Record<string, string>;
    assert.ok(json.stdout.startsWith('{\n    "ARN": '), 'json: 4-space indent, ARN first');

    assert.deepEqual(parseYaml(yaml.stdout), data, 'yaml holds the same data');
    assert.match(yaml.stdout, /^Tags:\n- Key: team\n  Value: core\n/m, 'yaml: sequences not indented under their key');
    assert.match(yaml.stdout, /^CreatedDate: '\d{4}-/m, 'yaml: timestamps single-quoted');

    const lines = text.stdout.split('\n');
    assert.equal(lines[0], [data.ARN, data.CreatedDate, data.Description, data.LastChangedDate, data.Name].join('\t'), 'text: scalars by sorted key');
    assert.ok(lines.includes('TAGS\tteam\tcore') && lines.includes('TAGS\ttier\t1'), text.stdout);

    const rows = table.stdout.trimEnd().split('\n');
    assert.ok(rows.every((r) => r.length === rows[0].length), 'table: every line has the same width');
    assert.match(rows[0], /^-+$/);
    assert.match(rows[1], /^\|\s+DescribeSecret\s+\|$/);
    assert.ok(rows.some((r) => /^\|\|\s+Tags\s+\|\|$/.test(r)), 'table: Tags is a nested section');
    assert.ok(rows.some((r) => /^\|\|  team\s+\|  core\s+\|\|$/.test(r)), table.stdout);

    assert.equal(off.stdout, '');
    assert.equal(queried.stdout, 'fmt/one\nKEYS\tteam\nKEYS\ttier\n');
    assert.equal(scalar.stdout, '"fmt/one"\n');
  });

  test('listings page automatically; --max-items stops with a NextToken that --starting-token resumes', async () => {
    const list = ['list-secrets', '--filters', 'Key=name,Values=page/', '--sort-by', 'name', '--sort-order', 'asc', '--page-size', '2'];
    const [all, first, manual, conflict] = await Promise.all([
      s.run([...list, '--debug', '--query', 'SecretList[].Name']),
      s.json([...list, '--max-items', '3']),
      s.json(['list-secrets', '--filters', 'Key=name,Values=page/', '--sort-by', 'name', '--max-results', '2']),
      s.run([...list, '--no-paginate', '--max-items', '3']),
    ]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(JSON.parse(all.stdout), pageNames, 'every page, in order');
    assert.equal(all.stderr.match(/ListSecrets ->/g)?.length, 4, '7 items at 2 per page take 4 requests');

    const names = (r: Record<string, unknown>) => (r.SecretList as { Name: string }[]).map((x) => x.Name);
    assert.deepEqual(names(first), pageNames.slice(0, 3));
    assert.deepEqual(Object.keys(first), ['SecretList', 'NextToken']);
    const token = JSON.parse(Buffer.from(String(first.NextToken), 'base64').toString()) as Record<string, unknown>;
    assert.equal(token.boto_truncate_amount, 1, 'stopped one item into the second page');

    const second = await s.json([...list, '--max-items', '3', '--starting-token', String(first.NextToken)]);
    assert.deepEqual(names(second), pageNames.slice(3, 6));
    const third = await s.json([...list, '--starting-token', String(second.NextToken)]);
    assert.deepEqual(names(third), pageNames.slice(6));
    assert.equal(third.NextToken, undefined, 'the end of the listing has no NextToken');

    assert.equal(names(manual).length, 2, '--max-results turns automatic pagination off');
    assert.equal(typeof manual.NextToken, 'string', "the service's own NextToken is printed");
    assert.equal(conflict.code, 252);
    assert.match(conflict.stderr, /Cannot specify --no-paginate along with pagination arguments: --page-size, --max-items/);
  });
});
