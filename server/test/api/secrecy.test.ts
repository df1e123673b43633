// Secrets stay secret: after distinctive values went through every write path (and through failing
// requests), neither the database files nor anything the server printed contain them. Names are stored in
// clear text, which proves the scan itself finds plaintext when it is there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { expectAwsError, rawRequest, token } from './helpers.ts';

const NAME_MARK = 'visible-name-7f3a9c';
const marks = Array.from({ length: 8 }, (_, i) => `Sekr3t-${i}-q8ZvX2pLw9`);
const binaryMark = Buffer.from('BinSekr3t-\u0000\u0001-R7t', 'utf8');

const dataDir = mkdtempSync(join(tmpdir(), 'coffer-secrecy-'));
let server: TestServer;
let sm: SecretsManagerClient;
const printed: string[] = [];
const restore: Array<() => void> = [];

/** Records everything the process prints (console and the raw streams) while the tests run. */
function capturePrinting(): void {
  for (const method of ['log', 'error', 'warn', 'info', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a) ?? String(a))).join(' '));
    };
    restore.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original as typeof stream.write));
  }
}

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesOf(join(dir, f)) : [join(dir, f)]));
}

/** Which of the needles occur in any file of the data directory (as UTF-8, UTF-16 or base64). */
function foundOnDisk(needles: Array<string | Buffer>): string[] {
  const hay = filesOf(dataDir).map((f) => readFileSync(f));
  const found: string[] = [];
  for (const needle of needles) {
    const bytes = Buffer.isBuffer(needle) ? needle : Buffer.from(needle, 'utf8');
    const forms = [bytes, Buffer.from(bytes.toString('utf8'), 'utf16le'), Buffer.from(bytes.toString('base64'))];
    if (hay.some((h) => forms.some((form) => h.includes(form)))) found.push(bytes.toString('utf8'));
  }
  return found;
}

/** Every string and byte array reachable from `value` (objects, arrays, Maps, Sets), as bytes. */
function heldBytes(value: unknown, out: Buffer[] = [], seen = new Set<object>()): Buffer[] {
  if (typeof value === 'string') out.push(Buffer.from(value, 'utf8'));
  else if (value instanceof Uint8Array) out.push(Buffer.from(value));
  else if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    const parts = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
    for (const part of parts) heldBytes(part, out, seen);
  }
  return out;
}

before(async () => {
  server = await startTestServer({ dataDir });
  sm = server.client();
});
after(async () => {
  restore.reverse().forEach((r) => r());
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets stay secret', () => {
  it('writes values through every path and reads them back', async () => {
    await sm.send(new CreateSecretCommand({ Name: `${NAME_MARK}-a`, SecretString: marks[0] }));
    await sm.send(new PutSecretValueCommand({ SecretId: `${NAME_MARK}-a`, SecretString: `{"password":"${marks[1]}"}` }));
    await sm.send(new UpdateSecretCommand({ SecretId: `${NAME_MARK}-a`, SecretString: marks[2].repeat(3000) }));
    const t = token();
    await sm.send(new PutSecretValueCommand({ SecretId: `${NAME_MARK}-a`, SecretString: marks[3], ClientRequestToken: t, VersionStages: ['AWSPENDING'] }));
    await sm.send(new PutSecretValueCommand({ SecretId: `${NAME_MARK}-a`, SecretString: marks[3], ClientRequestToken: t, VersionStages: ['AWSPENDING'] }));
    await sm.send(new CreateSecretCommand({ Name: `${NAME_MARK}-b`, SecretBinary: binaryMark }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: `${NAME_MARK}-a` }))).SecretString, marks[2].repeat(3000));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: `${NAME_MARK}-a`, VersionStage: 'AWSPENDING' }))).SecretString, marks[3]);
    const batch = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [`${NAME_MARK}-a`, `${NAME_MARK}-b`] }));
    assert.equal(Buffer.compare(Buffer.from(batch.SecretValues![1].SecretBinary!), binaryMark), 0);
  });

  it('keeps no opened value in memory: the read cache holds rows and data keys, never a value', async () => {
    const { rows, dataKeys } = server.app.cache.contents();
    const held = heldBytes(rows);
    const holds = (needle: Buffer) => held.some((bytes) => bytes.includes(needle));
    assert.ok(holds(Buffer.from(NAME_MARK)), 'the secrets just read are cached (their names are not secret)');
    assert.ok(dataKeys.length > 0, 'their data keys are kept');
    for (const mark of [...marks.map((m) => Buffer.from(m)), binaryMark]) assert.equal(holds(mark), false, `an opened value is cached: ${mark}`);
  });

  it('prints nothing of a value during failing requests', async () => {
    capturePrinting();
    const id = `${NAME_MARK}-a`;
    await expectAwsError(sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: marks[4], ClientRequestToken: token(), VersionStages: Array.from({ length: 21 }, (_, i) => `l${i}`) })), 'ValidationException');
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: id, SecretString: marks[4] })), 'ResourceExistsException');
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: 'bad name', SecretString: marks[4] })), 'ValidationException');
    await expectAwsError(sm.send(new PutSecretValueCommand({ SecretId: 'missing', SecretString: marks[4] })), 'ResourceNotFoundException');
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: 'big', SecretString: marks[4].repeat(4000) })), 'ValidationException');
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: 'both', SecretString: marks[4], SecretBinary: Buffer.from(marks[4]) })), 'InvalidParameterException');
    const existing = (await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSPENDING' }))).VersionId!;
    await expectAwsError(sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: marks[4], ClientRequestToken: existing })), 'ResourceExistsException');
    const answers = [
      await rawRequest(server.endpoint, `{"Name":"x","SecretString":"${marks[4]}`, { credentials: server.credentials, target: 'secretsmanager.CreateSecret' }),
      await rawRequest(server.endpoint, JSON.stringify({ Name: 'x', SecretString: marks[4] }), { credentials: server.credentials, target: 'secretsmanager.CreateSecret' }),
      await rawRequest(server.endpoint, JSON.stringify({ Name: 'x', ClientRequestToken: token(), SecretBinary: `${marks[4]}!` }), { credentials: server.credentials, target: 'secretsmanager.CreateSecret' }),
      await rawRequest(server.endpoint, JSON.stringify({ SecretId: id, ClientRequestToken: token(), SecretString: marks[4] }), { credentials: { ...server.credentials, secretAccessKey: 'wrong' }, target: 'secretsmanager.PutSecretValue' }),
      await rawRequest(server.endpoint, JSON.stringify({ Name: 'x', SecretString: marks[4].repeat(40_000) }), { credentials: server.credentials, target: 'secretsmanager.CreateSecret' }),
    ];
    restore.reverse().forEach((r) => r());
    restore.length = 0;
    for (const res of answers) {
      assert.ok(res.status >= 400);
      assert.equal(res.text.includes(marks[4]), false, res.text.slice(0, 200));
    }
    const output = printed.join('\n');
    for (const mark of marks) assert.equal(output.includes(mark), false, 'a secret value was printed');
  });

  it('never stores a value in clear text on disk (database, WAL and every other file)', async () => {
    const files = filesOf(dataDir).map((f) => f.slice(dataDir.length + 1));
    assert.ok(files.includes('coffer.db'), files.join(', '));
    assert.deepEqual(foundOnDisk([NAME_MARK]), [NAME_MARK], 'the scan finds clear text (names are not secret)');
    assert.deepEqual(foundOnDisk([...marks, binaryMark, marks[2].repeat(3)]), []);
  });

  it('still holds no value in clear text after the server closed (checkpointed database)', async () => {
    await server.close();
    assert.deepEqual(foundOnDisk([NAME_MARK]), [NAME_MARK]);
    assert.deepEqual(foundOnDisk([...marks, binaryMark]), []);
    server = await startTestServer({ dataDir });
    sm = server.client();
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: `${NAME_MARK}-b` }))).SecretBinary!.length, binaryMark.length);
  });
});
