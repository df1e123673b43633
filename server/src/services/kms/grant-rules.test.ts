import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowsChildGrant, checkConstraints, checkOperations, contextMatches, decodeGrantToken, encodeGrantToken, grantAllows } from './grant-rules.ts';
import type { GrantRow } from './grant-store.ts';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/k';
const grant = (operations: string[], constraints: object | null = null): GrantRow => ({
  grant_id: 'a'.repeat(64),
  key_id: 'k',
  account_id: '111122223333',
  region: 'us-east-1',
  name: null,
  grantee_principal: 'arn:aws:iam::111122223333:user/u',
  retiring_principal: null,
  issuing_account: 'arn:aws:iam::111122223333:root',
  operations: JSON.stringify(operations),
  constraints: constraints && JSON.stringify(constraints),
  created_at: 0,
});

describe('grant rules', () => {
  it('operations: sorted and unique; none, or one a symmetric key lacks, refused', () => {
    assert.deepEqual(checkOperations(['Encrypt', 'Decrypt', 'Encrypt'], KEY_ARN), ['Decrypt', 'Encrypt']);
    assert.throws(() => checkOperations([], KEY_ARN), { name: 'ValidationException' });
    assert.throws(() => checkOperations(['Decrypt', 'GenerateMac'], KEY_ARN), { name: 'ValidationException', message: /GenerateMac/ });
  });

  it('constraints: one kind, empty maps count as none; keys match without case, values with case', () => {
    assert.equal(checkConstraints({ EncryptionContextSubset: {} }), undefined);
    assert.throws(() => checkConstraints({ EncryptionContextSubset: { a: '1' }, EncryptionContextEquals: { a: '1' } }), { name: 'ValidationException' });
    const subset = checkConstraints({ EncryptionContextSubset: { Tenant: 'a' } });
    assert.equal(contextMatches(subset, { tenant: 'a', more: 'x' }), true);
    assert.equal(contextMatches(subset, { tenant: 'A' }), false);
    assert.equal(contextMatches(subset, undefined), false);
    const equals = checkConstraints({ EncryptionContextEquals: { a: '1', b: '2' } });
    assert.equal(contextMatches(equals, { B: '2', a: '1' }), true);
    assert.equal(contextMatches(equals, { a: '1', b: '2', c: '3' }), false);
    assert.equal(contextMatches(equals, { a: '1' }), false);
  });

  it('a constraint applies to the operations that take an encryption context only', () => {
    const g = grant(['Decrypt', 'DescribeKey'], { EncryptionContextEquals: { a: '1' } });
    assert.equal(grantAllows(g, 'Decrypt', { a: '1' }), true);
    assert.equal(grantAllows(g, 'Decrypt', {}), false);
    assert.equal(grantAllows(g, 'DescribeKey', undefined), true);
    assert.equal(grantAllows(g, 'Encrypt', { a: '1' }), false);
  });

  it('a child grant: a subset of the operations, a constraint at least as strict', () => {
    const parent = grant(['CreateGrant', 'Decrypt', 'Encrypt'], { EncryptionContextSubset: { a: '1' } });
    assert.equal(allowsChildGrant(parent, ['Decrypt'], checkConstraints({ EncryptionContextSubset: { a: '1', b: '2' } })), true);
    assert.equal(allowsChildGrant(parent, ['Decrypt'], checkConstraints({ EncryptionContextEquals: { a: '1' } })), true);
    assert.equal(allowsChildGrant(parent, ['Decrypt'], undefined), false);
    assert.equal(allowsChildGrant(parent, ['ReEncryptTo'], checkConstraints({ EncryptionContextSubset: { a: '1' } })), false);
    const equalsParent = grant(['CreateGrant', 'Decrypt'], { EncryptionContextEquals: { a: '1' } });
    assert.equal(allowsChildGrant(equalsParent, ['Decrypt'], checkConstraints({ EncryptionContextSubset: { a: '1' } })), false);
    assert.equal(allowsChildGrant(grant(['CreateGrant', 'Decrypt']), ['Decrypt'], undefined), true);
  });

  it('a grant token names its key and grant and nothing else decodes', () => {
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const token = encodeGrantToken(keyId, 'b'.repeat(64), Buffer.alloc(32, 7));
    assert.deepEqual(decodeGrantToken(token), { keyId, grantId: 'b'.repeat(64) });
    assert.notEqual(encodeGrantToken(keyId, 'b'.repeat(64), Buffer.alloc(32, 8)), token);
    for (const bad of ['', 'x', token.slice(1), `${token}A`, token.replace(/^./, '_'), 'not a token!']) assert.equal(decodeGrantToken(bad), undefined, bad);
  });
});
