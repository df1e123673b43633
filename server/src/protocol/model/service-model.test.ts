// Loading models: metadata, operations, error shapes, and failures at load time rather than per request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { buildServiceModel, loadServiceModel, type ServiceModelJson } from './index.ts';

const modelPath = (file: string) => fileURLToPath(new URL(`../../../../models/${file}`, import.meta.url));

describe('loadServiceModel', () => {
  it('loads Secrets Manager', () => {
    const sm = loadServiceModel(modelPath('secretsmanager-2017-10-17.json'));
    assert.equal(sm.targetPrefix, 'secretsmanager');
    assert.equal(sm.signingName, 'secretsmanager');
    assert.equal(sm.operations.size, 23);
    const get = sm.operations.get('GetSecretValue');
    assert.ok(get);
    assert.equal(get.name, 'GetSecretValue');
    assert.ok(get.errorShapes.has('ResourceNotFoundException'));
    assert.ok(get.errorShapes.has('DecryptionFailure'));
    assert.deepEqual(sm.errors.get('InternalServiceError'), { fault: true });
    assert.deepEqual(sm.errors.get('ResourceNotFoundException'), { fault: false });
  });

  it('loads KMS, compiling all of its patterns', () => {
    const kms = loadServiceModel(modelPath('kms-2014-11-01.json'));
    assert.equal(kms.targetPrefix, 'TrentService');
    assert.equal(kms.operations.size, 54);
    assert.ok(kms.operations.get('Encrypt')?.errorShapes.has('KMSInvalidStateException'));
    assert.deepEqual(kms.errors.get('KMSInternalException'), { fault: true });
    // Operations without an output shape decode and encode to empty objects.
    assert.deepEqual(kms.operations.get('EnableKey')?.encodeOutput({ KeyId: 'k' }), {});
    assert.deepEqual(kms.operations.get('CreateAlias')?.decodeInput({ AliasName: 'alias/a', TargetKeyId: 'k' }), {
      AliasName: 'alias/a',
      TargetKeyId: 'k',
    });
  });

  it('handles recursive shapes', () => {
    const model: ServiceModelJson = {
      metadata: { apiVersion: '1', endpointPrefix: 'tree', protocol: 'json', targetPrefix: 'Tree' },
      operations: { Put: { name: 'Put', input: { shape: 'Node' }, output: { shape: 'Node' } } },
      shapes: {
        Node: { type: 'structure', required: ['Name'], members: { Name: { shape: 'Name' }, Children: { shape: 'Nodes' } } },
        Nodes: { type: 'list', member: { shape: 'Node' } },
        Name: { type: 'string', max: 3 },
      },
    };
    const put = buildServiceModel(model).operations.get('Put');
    assert.ok(put);
    const tree = { Name: 'a', Children: [{ Name: 'b', Children: [{ Name: 'c' }] }] };
    assert.deepEqual(put.decodeInput(tree), tree);
    assert.deepEqual(put.encodeOutput(tree), tree);
    assert.throws(
      () => put.decodeInput({ Name: 'a', Children: [{ Children: [{ Name: 'toolong' }] }] }),
      {
        message:
          "2 validation errors detected: Value null at 'children.1.member.name' failed to satisfy constraint: Member must not be null; " +
          "Value 'toolong' at 'children.1.member.children.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 3",
      },
    );
  });

  it('fails at load time on a broken model', () => {
    const sm = JSON.parse(readFileSync(modelPath('secretsmanager-2017-10-17.json'), 'utf8')) as ServiceModelJson;
    assert.throws(() => buildServiceModel({ ...sm, metadata: { ...sm.metadata, protocol: 'rest-json' } }), /not an AWS JSON protocol model/);
    const dangling = structuredClone(sm);
    dangling.shapes.GetSecretValueRequest.members = { SecretId: { shape: 'Nope' } };
    assert.throws(() => buildServiceModel(dangling), /unknown shape 'Nope'/);
    const badPattern = structuredClone(sm);
    badPattern.shapes.SecretIdType.pattern = '(unclosed';
    assert.throws(() => buildServiceModel(badPattern), /not usable as a JavaScript RegExp/);
  });
});
