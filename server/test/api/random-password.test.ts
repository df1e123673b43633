// GetRandomPassword through the SDK: every option, RequireEachIncludedType, exclusions, impossible requests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetRandomPasswordCommand, type GetRandomPasswordRequest, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { expectAwsError } from './helpers.ts';

let server: TestServer;
let sm: SecretsManagerClient;

before(async () => {
  server = await startTestServer();
  sm = server.client();
});
after(() => server.close());

const LOWER = /[a-z]/;
const UPPER = /[A-Z]/;
const DIGIT = /[0-9]/;
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const ALLOWED = /^[a-zA-Z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~ ]*$/;

async function password(input: GetRandomPasswordRequest = {}): Promise<string> {
  const { $metadata: _, ...res } = await sm.send(new GetRandomPasswordCommand(input));
  assert.deepEqual(Object.keys(res), ['RandomPassword']);
  return res.RandomPassword!;
}

describe('GetRandomPassword', () => {
  it('defaults to 32 characters with each of the four types, and no space', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const p = await password();
      assert.equal(p.length, 32);
      assert.match(p, ALLOWED);
      for (const re of [LOWER, UPPER, DIGIT, PUNCT]) assert.match(p, re);
      assert.equal(p.includes(' '), false);
      seen.add(p);
    }
    assert.equal(seen.size, 20, 'passwords differ');
  });

  it('honours PasswordLength from 1 to 4096 and refuses values outside', async () => {
    assert.equal((await password({ PasswordLength: 4096 })).length, 4096);
    assert.equal((await password({ PasswordLength: 1, RequireEachIncludedType: false })).length, 1);
    await expectAwsError(
      password({ PasswordLength: 4097 }),
      'ValidationException',
      "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096",
    );
    await expectAwsError(
      password({ PasswordLength: 0 }),
      'ValidationException',
      "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('puts exactly one character of each type into a 4-character password', async () => {
    for (let i = 0; i < 50; i++) {
      const p = await password({ PasswordLength: 4 });
      for (const re of [LOWER, UPPER, DIGIT, PUNCT]) assert.equal([...p].filter((c) => re.test(c)).length, 1, p);
    }
  });

  it('excludes each type on request', async () => {
    const cases: Array<[GetRandomPasswordRequest, RegExp, RegExp[]]> = [
      [{ ExcludeLowercase: true }, LOWER, [UPPER, DIGIT, PUNCT]],
      [{ ExcludeUppercase: true }, UPPER, [LOWER, DIGIT, PUNCT]],
      [{ ExcludeNumbers: true }, DIGIT, [LOWER, UPPER, PUNCT]],
      [{ ExcludePunctuation: true }, PUNCT, [LOWER, UPPER, DIGIT]],
    ];
    for (const [options, absent, present] of cases) {
      const p = await password({ ...options, PasswordLength: 200 });
      assert.doesNotMatch(p, absent);
      for (const re of present) assert.match(p, re);
    }
    const digits = await password({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true, PasswordLength: 100 });
    assert.match(digits, /^[0-9]{100}$/);
  });

  it('allows the space only with IncludeSpace, and never requires it', async () => {
    assert.ok((await password({ IncludeSpace: true, PasswordLength: 4096 })).includes(' '));
    assert.equal((await password({ PasswordLength: 4096 })).includes(' '), false);
    const spaces = await password({
      IncludeSpace: true,
      ExcludeLowercase: true,
      ExcludeUppercase: true,
      ExcludeNumbers: true,
      ExcludePunctuation: true,
      PasswordLength: 10,
    });
    assert.equal(spaces, ' '.repeat(10));
    // four required types fill a 4-character password even with IncludeSpace
    const four = await password({ IncludeSpace: true, PasswordLength: 4 });
    for (const re of [LOWER, UPPER, DIGIT, PUNCT]) assert.match(four, re);
  });

  it('never uses ExcludeCharacters (case-sensitive) and drops a type whose characters are all excluded', async () => {
    const excluded = `abcXYZ0123"'\\/@ `;
    const p = await password({ ExcludeCharacters: excluded, PasswordLength: 4096, IncludeSpace: true });
    for (const c of excluded) assert.equal(p.includes(c), false, `contains ${JSON.stringify(c)}`);
    assert.match(p, /[A]/);
    assert.match(p, /[z]/);
    const noDigits = await password({ ExcludeCharacters: '0123456789', PasswordLength: 3 });
    assert.doesNotMatch(noDigits, DIGIT);
    for (const re of [LOWER, UPPER, PUNCT]) assert.match(noDigits, re);
  });

  it('with RequireEachIncludedType false does not force every type', async () => {
    let missing = 0;
    for (let i = 0; i < 30; i++) {
      const p = await password({ PasswordLength: 2, RequireEachIncludedType: false });
      assert.equal(p.length, 2);
      if (![LOWER, UPPER, DIGIT, PUNCT].every((re) => re.test(p))) missing += 1;
    }
    assert.equal(missing, 30);
  });

  it('refuses impossible requests', async () => {
    await expectAwsError(
      password({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true }),
      'InvalidParameterException',
      /excluded every character type/,
    );
    await expectAwsError(
      password({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true, ExcludeCharacters: '0123456789' }),
      'InvalidParameterException',
      /no character is left/,
    );
    await expectAwsError(password({ PasswordLength: 3 }), 'InvalidParameterException', /too short to include each/);
    await expectAwsError(password({ PasswordLength: 1, ExcludeNumbers: true }), 'InvalidParameterException', /too short/);
  });
});
