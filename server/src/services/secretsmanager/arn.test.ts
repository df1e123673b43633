import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../errors/aws-errors.ts';
import {
  INVALID_NAME_MESSAGE,
  buildSecretArn,
  candidateLookups,
  parseSecretId,
  randomSuffix,
  validateSecretId,
  validateSecretName,
} from './arn.ts';

const scope = { accountId: '123456789012', region: 'eu-west-1' };

function assertInvalidName(fn: () => void): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, 'ValidationException');
    assert.equal(err.message, INVALID_NAME_MESSAGE);
    return true;
  });
}

describe('buildSecretArn', () => {
  it('builds arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>', () => {
    assert.equal(
      buildSecretArn(scope, 'prod/db', 'AbC123'),
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123',
    );
  });
  it('uses another partition when the scope says so', () => {
    assert.equal(
      buildSecretArn({ ...scope, partition: 'aws-cn' }, 'x', 'AbC123'),
      'arn:aws-cn:secretsmanager:eu-west-1:123456789012:secret:x-AbC123',
    );
  });
});

describe('randomSuffix', () => {
  it('is six characters of [A-Za-z0-9]', () => {
    for (let i = 0; i < 200; i++) assert.match(randomSuffix(randomBytes), /^[A-Za-z0-9]{6}$/);
  });
  it('rejects bytes >= 248 instead of folding them (no modulo bias)', () => {
    // 248..255 would map to A..H under a plain modulo; they must be skipped.
    const feed = [248, 255, 250, 0, 61, 62, 1, 200, 247];
    let pos = 0;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => feed[pos++ % feed.length]));
    // accepted: 0->A, 61->9, 62->A, 1->B, 200->O (200 % 62 = 14), 247->9 (247 % 62 = 61)
    assert.equal(randomSuffix(bytes), 'A9ABO9');
  });
  it('keeps asking for bytes until it has six accepted ones', () => {
    let calls = 0;
    const bytes = (n: number) => {
      calls++;
      return Buffer.alloc(n, calls < 3 ? 255 : 27); // 27 -> 'b'
    };
    assert.equal(randomSuffix(bytes), 'bbbbbb');
    assert.equal(calls, 3);
  });
  it('is roughly uniform over the alphabet', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) for (const c of randomSuffix(randomBytes)) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, 62);
    const expected = 60_000 / 62;
    for (const n of counts.values()) assert.ok(Math.abs(n - expected) < expected * 0.25, `count ${n}`);
  });
});

describe('parseSecretId', () => {
  it('parses a full ARN', () => {
    assert.deepEqual(parseSecretId('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123'), {
      kind: 'arn',
      arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123',
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      nameWithSuffix: 'prod/db-AbC123',
    });
  });
  it('parses a partial ARN the same way (the suffix is not known to be there)', () => {
    const p = parseSecretId('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db');
    assert.equal(p.kind, 'arn');
    assert.equal(p.kind === 'arn' && p.nameWithSuffix, 'prod/db');
  });
  it('takes a name as a name', () => {
    assert.deepEqual(parseSecretId('prod/db'), { kind: 'name', name: 'prod/db' });
  });
  it('takes anything that is not a secret ARN as a name (which then fails validation)', () => {
    for (const id of [
      'arn:aws:s3:::bucket',
      'arn:aws:secretsmanager:eu-west-1:123456789012:key:x',
      'arn:aws:secretsmanager::123456789012:secret:x',
      'arn:aws:secretsmanager:eu-west-1:12345:secret:x',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:',
    ]) {
      assert.equal(parseSecretId(id).kind, 'name', id);
      assertInvalidName(() => validateSecretId(id));
    }
  });
});

describe('candidateLookups', () => {
  it('tries a name in the caller scope', () => {
    assert.deepEqual(candidateLookups('prod/db'), [{ by: 'name', name: 'prod/db' }]);
  });
  it('tries the exact ARN first, then the name part (partial ARN), in the ARN scope', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:210987654321:secret:db-a1b2c3';
    assert.deepEqual(candidateLookups(arn), [
      { by: 'arn', arn, accountId: '210987654321', region: 'us-east-1' },
      // a secret literally named "db-a1b2c3" is found through its partial ARN
      { by: 'name', name: 'db-a1b2c3', accountId: '210987654321', region: 'us-east-1' },
    ]);
  });
});

describe('validateSecretName / validateSecretId', () => {
  it('accepts letters, digits and -/_+=.@!', () => {
    for (const name of ['a', 'Prod/DB_1', 'a+b=c.d@e!f-g', '-/_+=.@!', 'db-a1b2c3']) validateSecretName(name);
  });
  it('accepts a name ending in a hyphen and six characters (AWS only advises against it)', () => {
    validateSecretName('service-AbC123');
  });
  it('refuses other characters with AWS text', () => {
    for (const name of ['a b', 'a*', 'a?', 'a]', 'a\\b', 'a:b', 'é', 'a#', '', 'a\n']) {
      assertInvalidName(() => validateSecretName(name));
    }
  });
  it('validates only the name part of an ARN', () => {
    validateSecretId('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123');
    assertInvalidName(() => validateSecretId('arn:aws:secretsmanager:eu-west-1:123456789012:secret:bad name'));
    assertInvalidName(() => validateSecretId('bad*name'));
  });
});
