// In-process tests of the pure pieces: shorthand syntax, flag values -> API input, JMESPath legacy literals,
// botocore's pagination tokens, env names and .env files, ISO dates. (The binary tests cover the wiring.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShorthand } from '../src/args/shorthand.ts';
import { collectInput } from '../src/args/operation-options.ts';
import { loadServiceModel, shapeOf } from '../src/model/service-model.ts';
import { quoteLegacyLiterals } from '../src/output/legacy-literals.ts';
import { compileQuery } from '../src/output/query.ts';
import { fullResult, paginate } from '../src/client/paginate.ts';
import type { Caller, Params } from '../src/client/call.ts';
import { PAGINATORS } from '../src/model/operations.ts';
import { envForSecret, envNameForSecret } from '../src/commands/env-names.ts';
import { parseEnv, serializeEnv } from '../src/transfer/env-format.ts';
import { isoFormat } from '../src/output/iso-date.ts';
import { ParamError, UsageError } from '../src/errors.ts';

const model = loadServiceModel();
const inputOf = (op: string) => shapeOf(model, model.operations[op].input!);

describe('shorthand syntax (as awscli/shorthand.py parses it)', () => {
  test('key=value pairs, implicit and explicit lists, nested hashes, quotes and escapes', () => {
    assert.deepEqual(parseShorthand('Key=a,Value=b', '--tags'), { Key: 'a', Value: 'b' });
    assert.deepEqual(parseShorthand('Key=name,Values=a,b', '--filters'), { Key: 'name', Values: ['a', 'b'] });
    assert.deepEqual(parseShorthand('Values=a,b,Key=name', '--filters'), { Values: ['a', 'b'], Key: 'name' });
    assert.deepEqual(parseShorthand('a=[x, y],b={c=d,e=[1]}', '--x'), { a: ['x', 'y'], b: { c: 'd', e: ['1'] } });
    assert.deepEqual(parseShorthand("Key=\"a,b\",Value='it\\'s'", '--tags'), { Key: 'a,b', Value: "it's" });
    assert.deepEqual(parseShorthand('Key=a\\,b,Value= spaced out ', '--tags'), { Key: 'a,b', Value: 'spaced out' });
    assert.deepEqual(parseShorthand('Key=,Value=x', '--tags'), { Key: '', Value: 'x' });
  });

  test('errors name a position, never the value', () => {
    assert.throws(() => parseShorthand('Key=SECRET,Key=b', '--tags'), (e: Error) => /Second instance of key "Key"/.test(e.message) && !e.message.includes('SECRET'));
    assert.throws(() => parseShorthand('SECRET', '--tags'), (e: Error) => /Expected: '=', received: 'EOF' at position 6/.test(e.message) && !e.message.includes('SECRET'));
  });
});

describe('flags -> API input', () => {
  test('types follow the model: lists, shorthand, JSON, booleans, integers, base64 blobs; JSON input loses to flags', () => {
    const input = collectInput(model, inputOf('CreateSecret'), {
      name: 'n',
      tags: ['Key=a,Value=1', 'Key=b,Value=2'],
      secretBinary: 'AAH/',
      forceOverwriteReplicaSecret: false,
      cliInputJson: '{"Name":"from-json","Description":"d","AddReplicaRegions":[{"Region":"eu-west-1"}]}',
    });
    assert.deepEqual(input.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
    assert.deepEqual(Buffer.from(input.SecretBinary as Uint8Array), Buffer.from([0, 1, 255]));
    assert.equal(input.Name, 'n');
    assert.equal(input.Description, 'd');
    assert.equal(input.ForceOverwriteReplicaSecret, false);
    assert.deepEqual(input.AddReplicaRegions, [{ Region: 'eu-west-1' }]);

    const list = collectInput(model, inputOf('ListSecrets'), { filters: ['[{"Key":"name","Values":["a"]}]'], maxResults: '5', includePlannedDeletion: true });
    assert.deepEqual(list, { Filters: [{ Key: 'name', Values: ['a'] }], MaxResults: 5, IncludePlannedDeletion: true });
    const shorthandFilter = collectInput(model, inputOf('ListSecrets'), { filters: ['Key=name,Values=prod/'] });
    assert.deepEqual(shorthandFilter.Filters, [{ Key: 'name', Values: ['prod/'] }], 'a single value where the model wants a list becomes a list');
  });

  test('refusals are usage errors naming the flag, without the value', () => {
    const refuses = (op: string, opts: Record<string, unknown>, message: RegExp) =>
      assert.throws(() => collectInput(model, inputOf(op), opts), (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes('SECRET'));
    refuses('DeleteSecret', { secretId: 'x', recoveryWindowInDays: 'SECRET' }, /'--recovery-window-in-days': invalid integer/);
    refuses('CreateSecret', { name: 'x', secretBinary: 'SECRET!!' }, /'--secret-binary': Invalid base64/);
    refuses('CreateSecret', { name: 'x', tags: ['Key=a,Valu=SECRET'] }, /Unknown parameter in Tags\[0\]: "Valu", must be one of: Key, Value/);
    refuses('CreateSecret', { cliInputJson: '{"Name":"x","Bogus":"SECRET"}' }, /'--cli-input-json': Unknown parameter in input: "Bogus"/);
    refuses('CreateSecret', { name: 'x', tags: ['[{"Key": SECRET}]'] }, /'--tags': Invalid JSON/);
    refuses('TagResource', { secretId: 'x' }, /the following arguments are required: --tags/);
    refuses('TagResource', { secretId: 'x', tags: ['{"Key": 1, "Value": "SECRET"}'] }, /Invalid type for parameter Tags\[0\]\.Key: got a number, expected a string/);
    assert.ok(new ParamError('--x', 'y') instanceof UsageError);
  });
});

describe('--query', () => {
  test('JSON literals with elided quotes read as jmespath.py reads them', () => {
    assert.equal(quoteLegacyLiterals('Tags[?Key==`team`]'), 'Tags[?Key==`"team"`]');
    assert.equal(quoteLegacyLiterals('a[?b==`1`] || `[1, 2]` || ` x`'), 'a[?b==`1`] || `[1, 2]` || `"x"`');
    assert.equal(quoteLegacyLiterals("'`raw`' && \"`id`\""), "'`raw`' && \"`id`\"", 'raw strings and quoted identifiers are left alone');
    const q = compileQuery('Tags[?Key==`team`].Value | [0]');
    assert.equal(q.search({ Tags: [{ Key: 'tier', Value: '1' }, { Key: 'team', Value: 'core' }] }), 'core');
    assert.throws(() => compileQuery('Tags[?'), UsageError);
  });
});

describe('pagination tokens (botocore semantics)', () => {
  function fakeCaller(items: string[], perPage: number): Caller & { calls: Params[] } {
    const calls: Params[] = [];
    return {
      calls,
      endpoint: 'http://test',
      region: 'us-east-1',
      destroy() {},
      async call(_op, params) {
        calls.push({ ...params });
        const size = (params.MaxResults as number | undefined) ?? perPage;
        const start = params.NextToken ? Number(params.NextToken) : 0;
        const page = items.slice(start, start + size).map((Name) => ({ Name }));
        return { SecretList: page, ...(start + size < items.length ? { NextToken: String(start + size) } : {}) };
      },
    };
  }
  const cfg = PAGINATORS.ListSecrets!;
  const items = ['a', 'b', 'c', 'd', 'e'];

  test('--max-items mid-page yields the aws CLI token; --starting-token resumes exactly after it', async () => {
    const caller = fakeCaller(items, 2);
    const first = await paginate(caller, 'ListSecrets', {}, cfg, { maxItems: 1 });
    assert.equal(first.resumeToken, 'eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==', 'base64 of {"NextToken": null, "boto_truncate_amount": 1}');
    const rest = await paginate(caller, 'ListSecrets', {}, cfg, { startingToken: first.resumeToken, maxItems: 3 });
    assert.deepEqual((fullResult(rest, cfg).SecretList as { Name: string }[]).map((s) => s.Name), ['b', 'c', 'd']);
    const token = JSON.parse(Buffer.from(rest.resumeToken!, 'base64').toString()) as Record<string, unknown>;
    assert.deepEqual(token, { NextToken: '4' }, 'b, c, d end on a page boundary: the service token of the next page');
    const last = await paginate(caller, 'ListSecrets', {}, cfg, { startingToken: rest.resumeToken });
    assert.deepEqual(fullResult(last, cfg), { SecretList: [{ Name: 'e' }] });
  });

  test('without limits every page is fetched; --page-size sets MaxResults on each request', async () => {
    const caller = fakeCaller(items, 2);
    const all = await paginate(caller, 'ListSecrets', {}, cfg, { pageSize: 2 });
    assert.equal(all.resumeToken, undefined);
    assert.equal((fullResult(all, cfg).SecretList as unknown[]).length, 5);
    assert.deepEqual(caller.calls.map((c) => [c.MaxResults, c.NextToken]), [[2, undefined], [2, '2'], [2, '4']]);
    const boundary = await paginate(fakeCaller(items, 2), 'ListSecrets', {}, cfg, { maxItems: 2 });
    assert.equal(Buffer.from(boundary.resumeToken!, 'base64').toString(), '{"NextToken": "2"}', 'on a page boundary the token is the service\'s');
  });
});

describe('coffer run environment names and .env files', () => {
  test('names derived from secret names; JSON keys with the prefix', () => {
    assert.equal(envNameForSecret('prod/db-password'), 'PROD_DB_PASSWORD');
    assert.equal(envNameForSecret('3rd-party.token'), '_3RD_PARTY_TOKEN');
    assert.equal(envNameForSecret('//'), 'SECRET');
    assert.deepEqual(envForSecret('x', '{"a":1,"b":"s","c":null,"d":[1]}', 'P_'), { P_a: '1', P_b: 's', P_c: '', P_d: '[1]' });
    assert.deepEqual(envForSecret('app/key', '[1,2]', ''), { APP_KEY: '[1,2]' });
    assert.throws(() => envForSecret('x', '{"a=b":1}', ''), /cannot be an environment variable name/);
  });

  test('.env round trip keeps awkward values, descriptions, tags and binary', () => {
    const records = [
      { Name: 'a/b', Description: 'd', Tags: [{ Key: 'k', Value: '' }], SecretString: `it's "quoted" $HOME \\n\nnext\r\nline` },
      { Name: 'plain', SecretString: 'x # not a comment' },
      { Name: 'bin', SecretBinary: new Uint8Array([0, 255]) },
      { Name: 'empty', SecretString: '' },
    ];
    assert.deepEqual(parseEnv(serializeEnv(records, 'header')), records);
    assert.deepEqual(parseEnv("export A='x y'\nB = \"1\\t2\" # c\nC=bare value # comment\n\n# ignored\n"), [
      { Name: 'A', SecretString: 'x y' },
      { Name: 'B', SecretString: '1\t2' },
      { Name: 'C', SecretString: 'bare value' },
    ]);
    assert.throws(() => parseEnv('A="never closed\n'), /line 1: the quoted value is not closed/);
  });

  test('dates print as Python isoformat in the local time zone', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      assert.equal(isoFormat(new Date(Date.UTC(2026, 10, 27, 20, 47, 34, 154))), '2026-11-27T20:47:34.154000+00:00');
      assert.equal(isoFormat(new Date(Date.UTC(2026, 10, 27, 20, 47, 34, 0))), '2026-11-27T20:47:34+00:00');
      process.env.TZ = 'Asia/Kolkata';
      assert.equal(isoFormat(new Date(Date.UTC(2026, 10, 27, 20, 47, 34, 5))), '2026-11-28T02:17:34.005000+05:30');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
