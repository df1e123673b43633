// KMS cryptography and rotation through @aws-sdk/client-kms: Encrypt / Decrypt / ReEncrypt with an
// EncryptionContext, data keys, random bytes, and material rotation (on demand and automatic, driven by a
// clock the test moves), old ciphertexts opening after every rotation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DecryptCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { DAY_MS, expectAwsError, newKey, startKmsServer, type KmsTestServer } from './helpers.ts';

let t: KmsTestServer;
let kms: KMSClient;

before(async () => {
  t = await startKmsServer();
  kms = t.kms;
});
after(() => t.close());

const encrypt = async (KeyId: string, text: string, EncryptionContext?: Record<string, string>) =>
  (await kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from(text), EncryptionContext }))).CiphertextBlob!;
const decrypt = async (CiphertextBlob: Uint8Array, EncryptionContext?: Record<string, string>, KeyId?: string) => {
  const out = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext, KeyId }));
  return { text: Buffer.from(out.Plaintext!).toString(), keyId: out.KeyId, algorithm: out.EncryptionAlgorithm };
};

describe('KMS cryptography', () => {
  it('Encrypt and Decrypt round-trip; Decrypt needs no KeyId, a wrong one is IncorrectKeyException', async () => {
    const key = await newKey(kms);
    const other = await newKey(kms);
    const blob = await encrypt(key.id, 'hello', { app: 'x', env: 'prod' });
    assert.equal(Buffer.from(blob).includes(Buffer.from('hello')), false);
    assert.deepEqual(await decrypt(blob, { env: 'prod', app: 'x' }), { text: 'hello', keyId: key.arn, algorithm: 'SYMMETRIC_DEFAULT' });
    assert.equal((await decrypt(blob, { app: 'x', env: 'prod' }, key.arn)).text, 'hello');
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { app: 'x', env: 'prod' }, KeyId: other.id })), 'IncorrectKeyException');
  });

  it('a different or missing EncryptionContext, a flipped byte or garbage is InvalidCiphertextException', async () => {
    const key = await newKey(kms);
    const blob = await encrypt(key.id, 'bound', { purpose: 'test' });
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: 'other' } })), 'InvalidCiphertextException');
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob })), 'InvalidCiphertextException');
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1] ^= 1;
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: flipped, EncryptionContext: { purpose: 'test' } })), 'InvalidCiphertextException');
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a kms blob at all') })), 'InvalidCiphertextException');
    assert.equal((await decrypt(blob, { purpose: 'test' })).text, 'bound', 'the server keeps serving');
  });

  it('a disabled key neither encrypts nor decrypts until enabled again', async () => {
    const key = await newKey(kms);
    const blob = await encrypt(key.id, 'later');
    await kms.send(new DisableKeyCommand({ KeyId: key.id }));
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: key.id, Plaintext: Buffer.from('x') })), 'DisabledException', `${key.arn} is disabled.`);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob })), 'DisabledException', `${key.arn} is disabled.`);
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.id, KeySpec: 'AES_256' })), 'DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: key.id }));
    assert.equal((await decrypt(blob)).text, 'later');
  });

  it('ReEncrypt moves a ciphertext to another key and context without showing the plaintext', async () => {
    const source = await newKey(kms);
    const target = await newKey(kms);
    const blob = await encrypt(source.id, 'moving', { v: '1' });
    const out = await kms.send(new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: { v: '1' }, DestinationKeyId: target.arn, DestinationEncryptionContext: { v: '2' } }));
    assert.deepEqual([out.SourceKeyId, out.KeyId, out.SourceEncryptionAlgorithm, out.DestinationEncryptionAlgorithm], [source.arn, target.arn, 'SYMMETRIC_DEFAULT', 'SYMMETRIC_DEFAULT']);
    assert.deepEqual(await decrypt(out.CiphertextBlob!, { v: '2' }), { text: 'moving', keyId: target.arn, algorithm: 'SYMMETRIC_DEFAULT' });
    await expectAwsError(kms.send(new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: { v: '1' }, SourceKeyId: target.id, DestinationKeyId: target.id })), 'IncorrectKeyException');
  });

  it('GenerateDataKey(WithoutPlaintext) by KeySpec or NumberOfBytes; GenerateRandom', async () => {
    const key = await newKey(kms);
    const ctx = { file: 'a' };
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.id, KeySpec: 'AES_256', EncryptionContext: ctx }));
    assert.equal(dk.Plaintext!.length, 32);
    assert.equal(dk.KeyId, key.arn);
    assert.deepEqual(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ctx }))).Plaintext!), Buffer.from(dk.Plaintext!));
    assert.equal((await kms.send(new GenerateDataKeyCommand({ KeyId: key.id, KeySpec: 'AES_128' }))).Plaintext!.length, 16);
    assert.equal((await kms.send(new GenerateDataKeyCommand({ KeyId: key.id, NumberOfBytes: 64 }))).Plaintext!.length, 64);
    const bare = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.id, KeySpec: 'AES_256' }));
    assert.equal('Plaintext' in bare, false);
    assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: bare.CiphertextBlob }))).Plaintext!.length, 32);
    const either = 'Please specify either number of bytes or key spec.';
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.id })), 'ValidationException', either);
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.id, KeySpec: 'AES_256', NumberOfBytes: 32 })), 'ValidationException', either);

    const random = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }));
    assert.equal(random.Plaintext!.length, 1024);
    await expectAwsError(kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })), 'ValidationException', /less than or equal to 1024/);
    await expectAwsError(kms.send(new GenerateRandomCommand({})), 'ValidationException', 'NumberOfBytes is required.');
  });

  it('other algorithms are InvalidKeyUsageException; DryRun answers DryRunOperationException', async () => {
    const key = await newKey(kms);
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: key.id, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })), 'InvalidKeyUsageException');
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: key.id, Plaintext: Buffer.from('x'), DryRun: true })), 'DryRunOperationException');
  });
});

describe('KMS key rotation', () => {
  it('RotateKeyOnDemand adds material; old ciphertexts still open; ListKeyRotations; at most 10', async () => {
    const key = await newKey(kms);
    const before = await encrypt(key.id, 'v1 material');
    assert.equal((await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.id }))).KeyId, key.arn);
    const afterBlob = await encrypt(key.id, 'v2 material');
    assert.notDeepEqual(Buffer.from(before).subarray(17, 21), Buffer.from(afterBlob).subarray(17, 21), 'the blob names another material version');
    assert.equal((await decrypt(before)).text, 'v1 material');
    assert.equal((await decrypt(afterBlob)).text, 'v2 material');
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: key.id }));
    assert.deepEqual(rotations.Rotations!.map((r) => [r.KeyId, r.RotationType]), [[key.id, 'ON_DEMAND']]);
    assert.equal(rotations.Truncated, false);
    const all = await kms.send(new ListKeyRotationsCommand({ KeyId: key.id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }));
    assert.deepEqual(all.Rotations!.map((r) => r.KeyMaterialState), ['NON_CURRENT', 'CURRENT']);
    for (let i = 1; i < 10; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.id }));
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.id })), 'LimitExceededException', /maximum of 10 on-demand rotations/);
    const paged = await kms.send(new ListKeyRotationsCommand({ KeyId: key.id, Limit: 4 }));
    assert.deepEqual([paged.Rotations!.length, paged.Truncated], [4, true]);
    assert.equal((await decrypt(before)).text, 'v1 material', 'the first material is kept through every rotation');
  });

  it('automatic rotation: enabled per key with a period, made by the sweep when due, only for enabled keys', async () => {
    const key = await newKey(kms);
    const old = await encrypt(key.id, 'before rotation');
    const status0 = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.id }));
    assert.deepEqual([status0.KeyRotationEnabled, status0.RotationPeriodInDays, status0.NextRotationDate], [false, undefined, undefined]);
    await expectAwsError(kms.send(new EnableKeyRotationCommand({ KeyId: key.id, RotationPeriodInDays: 89 })), 'ValidationException', /greater than or equal to 90/);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.id, RotationPeriodInDays: 90 }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.id }));
    assert.deepEqual([status.KeyRotationEnabled, status.RotationPeriodInDays, status.KeyId], [true, 90, key.arn]);
    assert.ok(Math.abs(status.NextRotationDate!.getTime() - (Date.now() + t.clock.offset() + 90 * DAY_MS)) < 5000);

    assert.equal(await t.server.app.keys.rotateDueKeys(), 0, 'nothing is due yet');
    await kms.send(new DisableKeyCommand({ KeyId: key.id }));
    t.clock.advance(91 * DAY_MS);
    assert.equal(await t.server.app.keys.rotateDueKeys(), 0, 'a disabled key is not rotated');
    await expectAwsError(kms.send(new EnableKeyRotationCommand({ KeyId: key.id })), 'DisabledException', `${key.arn} is disabled.`);
    await kms.send(new EnableKeyCommand({ KeyId: key.id }));
    assert.ok((await t.server.app.keys.rotateDueKeys()) >= 1, 'rotated once enabled again, the date having passed');
    assert.equal(await t.server.app.keys.rotateDueKeys(), 0, 'and only once');
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: key.id }));
    assert.deepEqual(rotations.Rotations!.map((r) => r.RotationType), ['AUTOMATIC']);
    const next = (await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.id }))).NextRotationDate!;
    assert.ok(Math.abs(next.getTime() - (Date.now() + t.clock.offset() + 90 * DAY_MS)) < 5000);
    assert.equal((await decrypt(old)).text, 'before rotation');

    await kms.send(new DisableKeyRotationCommand({ KeyId: key.id }));
    assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.id }))).KeyRotationEnabled, false);
    t.clock.advance(200 * DAY_MS);
    await t.server.app.keys.rotateDueKeys();
    assert.equal((await kms.send(new ListKeyRotationsCommand({ KeyId: key.id }))).Rotations!.length, 1);
  });
});
