// ListSecrets through the SDK: every filter key (and its negation), AND/OR, planned deletion, sorting,
// and paging that stays stable while secrets are created between pages. Each topic uses its own region,
// which is its own scope on the one server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  type Filter,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { expectAwsError, listAll, movableClock } from './helpers.ts';

const clock = movableClock();
let server: TestServer;

before(async () => {
  server = await startTestServer({ now: clock.now });
});
after(() => server.close());

describe('ListSecrets filters', () => {
  let sm: SecretsManagerClient;
  const fixtures: Array<{ name: string; description?: string; tags?: Array<{ Key: string; Value: string }> }> = [
    { name: '/a', description: 'a secret', tags: [{ Key: 'env', Value: 'prod' }] },
    { name: 'a/b', description: 'an secret', tags: [{ Key: 'Env', Value: 'Prod' }] },
    { name: 'abc', description: 'asecret', tags: [{ Key: 'team', Value: 'x' }] },
    { name: 'thesecret-name', description: 'thesecret' },
    { name: 'Upper', description: 'The Database Password', tags: [{ Key: 'env', Value: 'dev' }] },
    { name: 'nodesc' },
  ];
  const live = fixtures.map((f) => f.name);

  before(async () => {
    sm = server.client({ region: 'eu-west-1' });
    for (const f of fixtures) {
      await sm.send(new CreateSecretCommand({ Name: f.name, SecretString: 'v', Description: f.description, Tags: f.tags }));
    }
    await sm.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'v', Description: 'a secret', Tags: [{ Key: 'env', Value: 'prod' }] }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'gone' }));
  });

  async function names(filters: Filter[], includePlannedDeletion = false): Promise<string[]> {
    const entries = await listAll(sm, { Filters: filters, IncludePlannedDeletion: includePlannedDeletion });
    return entries.map((e) => e.Name!).sort();
  }
  const f = (Key: Filter['Key'], ...Values: string[]): Filter => ({ Key, Values });
  const except = (...n: string[]) => live.filter((x) => !n.includes(x)).sort();

  it('lists every live secret without filters, with SecretVersionsToStages', async () => {
    const entries = await listAll(sm);
    assert.deepEqual(entries.map((e) => e.Name).sort(), [...live].sort());
    const nodesc = entries.find((e) => e.Name === 'nodesc')!;
    assert.deepEqual(Object.keys(nodesc).sort(), ['ARN', 'CreatedDate', 'LastChangedDate', 'Name', 'SecretVersionsToStages']);
    assert.deepEqual(Object.values(nodesc.SecretVersionsToStages!), [['AWSCURRENT']]);
    const tagged = entries.find((e) => e.Name === '/a')!;
    assert.deepEqual(tagged.Tags, [{ Key: 'env', Value: 'prod' }]);
    assert.equal(tagged.Description, 'a secret');
  });

  it('name: case-sensitive prefix, `!` gives the exact complement', async () => {
    assert.deepEqual(await names([f('name', '/')]), ['/a']);
    assert.deepEqual(await names([f('name', '!/')]), except('/a'));
    assert.deepEqual(await names([f('name', 'a')]), ['a/b', 'abc']);
    assert.deepEqual(await names([f('name', 'A')]), []);
    assert.deepEqual(await names([f('name', 'b')]), []);
    assert.deepEqual(await names([f('name', '/', 'Up')]), ['/a', 'Upper']);
  });

  it('description: word prefixes, not case-sensitive, every word must match', async () => {
    assert.deepEqual(await names([f('description', 'a')]), ['/a', 'a/b', 'abc']);
    assert.deepEqual(await names([f('description', 'A')]), ['/a', 'a/b', 'abc']);
    assert.deepEqual(await names([f('description', 'an sec')]), ['a/b']);
    assert.deepEqual(await names([f('description', 'data pass')]), ['Upper']);
    assert.deepEqual(await names([f('description', 'secret')]), ['/a', 'a/b']);
    assert.deepEqual(await names([f('description', '!a')]), except('/a', 'a/b', 'abc'));
  });

  it('tag-key and tag-value: case-sensitive prefixes over any tag', async () => {
    assert.deepEqual(await names([f('tag-key', 'env')]), ['/a', 'Upper'].sort());
    assert.deepEqual(await names([f('tag-key', 'Env')]), ['a/b']);
    assert.deepEqual(await names([f('tag-key', 'e')]), ['/a', 'Upper'].sort());
    assert.deepEqual(await names([f('tag-key', '!env')]), except('/a', 'Upper'));
    assert.deepEqual(await names([f('tag-value', 'prod')]), ['/a']);
    assert.deepEqual(await names([f('tag-value', 'Prod')]), ['a/b']);
    assert.deepEqual(await names([f('tag-value', '!prod', '!Prod')]), [...live].sort());
  });

  it('primary-region and owning-service match nothing here, and their negations everything', async () => {
    assert.deepEqual(await names([f('primary-region', 'eu')]), []);
    assert.deepEqual(await names([f('primary-region', '!eu')]), [...live].sort());
    assert.deepEqual(await names([f('owning-service', 'rds')]), []);
    assert.deepEqual(await names([f('owning-service', '!rds')]), [...live].sort());
  });

  it('all: every word matches some attribute, not case-sensitive', async () => {
    assert.deepEqual(await names([f('all', 'prod')]), ['/a', 'a/b']);
    assert.deepEqual(await names([f('all', 'database')]), ['Upper']);
    assert.deepEqual(await names([f('all', 'the')]), ['Upper', 'thesecret-name'].sort());
    assert.deepEqual(await names([f('all', 'upper dev')]), ['Upper']);
    assert.deepEqual(await names([f('all', 'TEAM')]), ['abc']);
    assert.deepEqual(await names([f('all', '!prod')]), except('/a', 'a/b'));
  });

  it('all and description: words split at separators and case boundaries (the examples recorded from AWS)', async () => {
    const aws = server.client({ region: 'ca-central-1' });
    const suffix = Date.now().toString(36);
    const one = `SecretOne${suffix}`;
    const two = `SecretTwo${suffix}`;
    await aws.send(new CreateSecretCommand({ Name: one, SecretString: 'v' }));
    await aws.send(new CreateSecretCommand({ Name: two, SecretString: 'v', Description: 'DescTwo' }));
    await aws.send(new CreateSecretCommand({ Name: 'prod/MyApp/db', SecretString: 'v', Tags: [{ Key: 'cost-center', Value: 'Billing_Payments' }] }));
    // MaxResults 1: the filter runs across pages, each page holds one match
    const listed = async (...filters: Filter[]) =>
      (await listAll(aws, { Filters: filters, MaxResults: 1 })).map((e) => e.Name!).sort();
    for (const v of ['Secret', 'secret', 'sec']) assert.deepEqual(await listed(f('all', v)), [one, two].sort(), v);
    assert.deepEqual(await listed(f('all', 'ret')), []);
    assert.deepEqual(await listed(f('all', 'd t')), [two]);
    assert.deepEqual(await listed(f('description', 'd t')), [two]);
    assert.deepEqual(await listed(f('all', 'app')), ['prod/MyApp/db']);
    assert.deepEqual(await listed(f('all', 'center pay bill')), ['prod/MyApp/db']);
    assert.deepEqual(await listed(f('all', '/')), []);
    assert.deepEqual(await listed(f('all', '!/')), ['prod/MyApp/db', one, two].sort());
    // name keeps its case-sensitive prefix rule
    assert.deepEqual(await listed(f('name', 'secret')), []);
    assert.deepEqual(await listed(f('name', 'prod/My')), ['prod/MyApp/db']);
  });

  it('ANDs several filters', async () => {
    assert.deepEqual(await names([f('name', 'a'), f('tag-key', 'Env')]), ['a/b']);
    assert.deepEqual(await names([f('description', 'a'), f('name', '!/')]), ['a/b', 'abc']);
    assert.deepEqual(await names([f('name', 'a'), f('name', 'ab')]), ['abc']);
    assert.deepEqual(await names([f('name', 'a'), f('tag-value', 'dev')]), []);
  });

  it('lists secrets scheduled for deletion only with IncludePlannedDeletion', async () => {
    assert.deepEqual(await names([f('name', 'gone')]), []);
    assert.deepEqual(await names([f('name', 'gone')], true), ['gone']);
    const entry = (await listAll(sm, { Filters: [f('name', 'gone')], IncludePlannedDeletion: true }))[0];
    assert.ok(entry.DeletedDate instanceof Date);
    assert.deepEqual(await names([f('description', 'a secret')], true), ['/a', 'a/b', 'gone']);
  });

  it('validates filters with the model', async () => {
    await expectAwsError(
      sm.send(new ListSecretsCommand({ Filters: [{ Key: 'bogus' as Filter['Key'], Values: ['x'] }] })),
      'ValidationException',
      "1 validation error detected: Value 'bogus' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]",
    );
    await expectAwsError(sm.send(new ListSecretsCommand({ Filters: [f('name', 'a*')] })), 'ValidationException', /at 'filters.1.member.values.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    await expectAwsError(
      sm.send(new ListSecretsCommand({ Filters: [f('name', ...Array.from({ length: 11 }, (_, i) => `v${i}`))] })),
      'ValidationException',
      /at 'filters.1.member.values' failed to satisfy constraint: Member must have length less than or equal to 10/,
    );
    await expectAwsError(
      sm.send(new ListSecretsCommand({ MaxResults: 101 })),
      'ValidationException',
      "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });
});

describe('ListSecrets sorting', () => {
  let sm: SecretsManagerClient;
  before(async () => {
    sm = server.client({ region: 'ap-south-1' });
    for (const name of ['sort-b', 'sort-a', 'sort-c']) {
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
      clock.advance(10);
    }
  });
  const order = async (input: ConstructorParameters<typeof ListSecretsCommand>[0]) =>
    (await listAll(sm, input)).map((e) => e.Name);

  it('sorts by created-date (the default), name, last-changed-date and last-accessed-date, both ways', async () => {
    assert.deepEqual(await order({}), ['sort-b', 'sort-a', 'sort-c']);
    assert.deepEqual(await order({ SortBy: 'created-date', SortOrder: 'desc' }), ['sort-c', 'sort-a', 'sort-b']);
    assert.deepEqual(await order({ SortBy: 'name', SortOrder: 'asc' }), ['sort-a', 'sort-b', 'sort-c']);
    assert.deepEqual(await order({ SortBy: 'name', SortOrder: 'desc' }), ['sort-c', 'sort-b', 'sort-a']);
    await sm.send(new PutSecretValueCommand({ SecretId: 'sort-b', SecretString: 'w' }));
    assert.deepEqual(await order({ SortBy: 'last-changed-date' }), ['sort-a', 'sort-c', 'sort-b']);
    assert.deepEqual(await order({ SortBy: 'last-changed-date', SortOrder: 'desc' }), ['sort-b', 'sort-c', 'sort-a']);
    await sm.send(new GetSecretValueCommand({ SecretId: 'sort-a' }));
    assert.equal((await order({ SortBy: 'last-accessed-date' }))[2], 'sort-a');
    assert.equal((await order({ SortBy: 'last-accessed-date', SortOrder: 'desc' }))[0], 'sort-a');
    // the same listing page by page
    const paged: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ SortBy: 'name', SortOrder: 'desc', MaxResults: 1, NextToken }));
      paged.push(...page.SecretList!.map((e) => e.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(paged, ['sort-c', 'sort-b', 'sort-a']);
  });

  it('refuses a NextToken that is garbage or belongs to another sort', async () => {
    const page = await sm.send(new ListSecretsCommand({ SortBy: 'name', MaxResults: 1 }));
    assert.ok(page.NextToken);
    await expectAwsError(sm.send(new ListSecretsCommand({ NextToken: page.NextToken })), 'InvalidNextTokenException');
    await expectAwsError(sm.send(new ListSecretsCommand({ SortBy: 'name', SortOrder: 'desc', NextToken: page.NextToken })), 'InvalidNextTokenException');
    await expectAwsError(sm.send(new ListSecretsCommand({ NextToken: 'not-a-token' })), 'InvalidNextTokenException');
    await expectAwsError(sm.send(new ListSecretsCommand({ NextToken: Buffer.from('{"b":"name"}').toString('base64url') })), 'InvalidNextTokenException');
  });
});

describe('ListSecrets paging', () => {
  let sm: SecretsManagerClient;
  const originals: string[] = [];
  before(async () => {
    sm = server.client({ region: 'us-west-2' });
    for (let i = 0; i < 250; i++) originals.push(`page-${String(i).padStart(3, '0')}`);
    for (let start = 0; start < 250; start += 25) {
      await Promise.all(originals.slice(start, start + 25).map((Name) => sm.send(new CreateSecretCommand({ Name, SecretString: 'v' }))));
    }
  });

  for (const sort of [
    { SortBy: undefined, SortOrder: undefined },
    { SortBy: 'created-date', SortOrder: 'desc' },
    { SortBy: 'name', SortOrder: 'asc' },
    { SortBy: 'name', SortOrder: 'desc' },
  ] as const) {
    it(`sees each secret once while others are created between pages (${sort.SortBy ?? 'default'} ${sort.SortOrder ?? ''})`, async () => {
      const seen: string[] = [];
      const created: number[] = [];
      let NextToken: string | undefined;
      let pages = 0;
      do {
        const page = await sm.send(new ListSecretsCommand({ ...sort, MaxResults: 40, NextToken }));
        assert.ok(page.SecretList!.length <= 40);
        for (const e of page.SecretList!) {
          seen.push(e.Name!);
          if (e.Name!.startsWith('page-')) created.push(e.CreatedDate!.getTime());
        }
        NextToken = page.NextToken;
        pages += 1;
        // one name that sorts before everything listed so far, one after
        await sm.send(new CreateSecretCommand({ Name: `a-late-${sort.SortBy}-${sort.SortOrder}-${pages}`, SecretString: 'v' }));
        await sm.send(new CreateSecretCommand({ Name: `z-late-${sort.SortBy}-${sort.SortOrder}-${pages}`, SecretString: 'v' }));
      } while (NextToken);
      assert.equal(new Set(seen).size, seen.length, 'no secret twice');
      const originalsSeen = seen.filter((n) => n.startsWith('page-'));
      assert.equal(originalsSeen.length, 250, 'no original missed');
      const desc = sort.SortOrder === 'desc';
      if (sort.SortBy === 'name') {
        const sorted = [...originalsSeen].sort();
        assert.deepEqual(originalsSeen, desc ? sorted.reverse() : sorted);
      } else {
        const sorted = [...created].sort((a, b) => (desc ? b - a : a - b));
        assert.deepEqual(created, sorted);
      }
      assert.ok(pages >= 7);
    });
  }

  it('fills pages of 100 by default and has no NextToken on the last', async () => {
    const total = (await listAll(sm)).length;
    const first = await sm.send(new ListSecretsCommand({}));
    assert.equal(first.SecretList!.length, 100);
    assert.ok(first.NextToken);
    let NextToken: string | undefined = first.NextToken;
    let count = 100;
    let last;
    while (NextToken) {
      last = await sm.send(new ListSecretsCommand({ NextToken }));
      count += last.SecretList!.length;
      NextToken = last.NextToken;
    }
    assert.equal(count, total);
    assert.equal('NextToken' in last!, false);
  });

  it('pages a filtered listing whose matches are sparse', async () => {
    const matching: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['page-2'] }], MaxResults: 7, NextToken }));
      matching.push(...page.SecretList!.map((e) => e.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(matching, originals.filter((n) => n.startsWith('page-2')));
  });
});
