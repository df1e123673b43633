// `coffer admin backup` and `coffer admin restore` through the real binary, on SQLite and PostgreSQL: a backup
// taken while a `--workers 2` server acknowledges writes, restored into a fresh data directory with the root
// key, a server started on it, and everything read back through the SDK and the admin API (every secret,
// version, label, KMS key, user, policy, access key, rotation function; the audit chain verifies; each
// writer's acknowledged writes form a prefix, as one moment's copy must). Without the root key, with another
// one, or with a damaged or altered backup, the restore refuses with a clear error, writes nothing and shows
// nothing of the backup.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { DecryptCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { spawnServer, type ServerProcess } from '../../server/test/store/server-process.ts';
import { createTestDatabase, postgresSkipReason } from '../../server/test/support/postgres.ts';
import { readCredentials } from '../../server/test/support/test-server.ts';
import { cleanEnv, coffer, type Run } from './support/cli.ts';
import {
  checkLoad,
  clientsFor,
  createFixture,
  fixtureSnapshot,
  startLoad,
  FIXTURE_BINARY,
  FIXTURE_VALUES,
  KMS_PLAINTEXT,
  type Fixture,
  type Load,
} from './support/backup-fixture.ts';

const DIALECTS = [
  { name: 'sqlite' as const, skip: undefined },
  { name: 'postgres' as const, skip: await postgresSkipReason() },
];

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

for (const dialect of DIALECTS) {
  describe(`coffer admin backup / restore (${dialect.name})`, { skip: dialect.skip }, () => {
    const dirs: string[] = [];
    const databases: TestDatabase[] = [];
    const servers: ServerProcess[] = [];
    let work: string;
    let dataDir: string;
    let backupFile: string;
    let fixture: Fixture;
    let original: unknown;
    let load: Load;
    let ackedBefore = 0;
    let ackedAfter = 0;
    let startedAfter = 0;
    let rootSecret: string;
    let readerSecret: string;

    /** A new empty database (PostgreSQL), dropped after the suite. */
    const database = async () => {
      const db = await createTestDatabase();
      databases.push(db);
      return db;
    };
    const serverArgs = (url?: string) => (url ? ['--database-url', url] : []);

    before(async () => {
      work = mkdtempSync(join(tmpdir(), 'coffer-backup-'));
      dirs.push(work);
      dataDir = join(work, 'data');
      const db = dialect.name === 'postgres' ? await database() : undefined;
      const server = await spawnServer({ dataDir, args: ['--workers', '2', ...serverArgs(db?.url)] });
      servers.push(server);
      const credentials = readCredentials(join(dataDir, 'credentials'));
      rootSecret = credentials.secretAccessKey;
      const c = clientsFor(server.url, credentials);
      try {
        fixture = await createFixture(c);
        readerSecret = fixture.reader.secretAccessKey;
        original = await fixtureSnapshot(c);

        // Writers keep PutSecretValue going on 40 secrets while the backup runs.
        load = await startLoad(c.sm, 8, 5);
        while (load.acked() < 40) await new Promise((r) => setTimeout(r, 20));
        ackedBefore = load.acked();
        backupFile = join(work, dialect.name === 'sqlite' ? 'coffer-backup.db' : 'coffer-backup.pgdump');
        const backup = await coffer(['admin', 'backup', '--data-dir', dataDir, ...serverArgs(db?.url), '--out', backupFile], cleanEnv());
        ackedAfter = load.acked();
        startedAfter = load.started();
        await new Promise((r) => setTimeout(r, 300));
        await load.stop();
        assert.equal(backup.code, 0, backup.stderr);
        const result = JSON.parse(backup.stdout) as Record<string, unknown>;
        assert.equal(result.File, backupFile);
        assert.equal(result.Store, dialect.name);
        assert.equal(result.Bytes, statSync(backupFile).size);
        assert.match(String(result.RootKeyId), /^[0-9a-f]{16}$/);
      } finally {
        c.destroy();
      }
      await server.stop();
    });

    after(async () => {
      for (const s of servers) await s.stop();
      for (const db of databases) await db.drop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    /** Runs `coffer admin restore` into `dir` (and a database), with the original's key file unless told otherwise. */
    const restore = (dir: string, options: { url?: string; keyFile?: string | null; env?: Record<string, string>; from?: string } = {}): Promise<Run> => {
      const keyFile = options.keyFile === undefined ? join(dataDir, 'root.key') : options.keyFile;
      return coffer(
        ['admin', 'restore', '--from', options.from ?? backupFile, '--data-dir', dir, ...(keyFile ? ['--root-key-file', keyFile] : []), ...serverArgs(options.url)],
        cleanEnv(options.env ?? {}),
      );
    };

    /** Everything a failed restore printed must be free of the backup's names and values and of any key. */
    const revealsNothing = (run: Run, keys: string[] = []) => {
      const printed = run.stdout + run.stderr;
      for (const needle of [...FIXTURE_VALUES, 'fixture/', 'load/w', 'app-reader', rootSecret, readerSecret, readFileSync(join(dataDir, 'root.key'), 'utf8').trim(), ...keys]) {
        assert.ok(!printed.includes(needle), `the output shows ${needle}: ${printed}`);
      }
    };

    test('the backup was taken while writes were being acknowledged, and holds no value or key in the clear', (t) => {
      t.diagnostic(`writes acknowledged: ${ackedBefore} when the backup command started, ${ackedAfter} when it ended`);
      assert.ok(ackedAfter > ackedBefore, `writes acknowledged during the backup (${ackedBefore} before it started, ${ackedAfter} when it ended)`);
      const stored = dialect.name === 'sqlite' ? readFileSync(backupFile) : pgRestoreScript(backupFile);
      assert.equal(statSync(backupFile).mode & 0o777, 0o600, 'the backup is owner-only');
      for (const needle of [...FIXTURE_VALUES, FIXTURE_BINARY.toString('latin1'), KMS_PLAINTEXT.toString(), 'load/w0-s0#1', rootSecret, readerSecret]) {
        assert.equal(stored.includes(Buffer.from(needle, 'latin1')), false, `${needle} is in the backup in the clear`);
      }
      assert.ok(stored.includes(Buffer.from('fixture/json')), 'the scan reads the stored text (names are not secret)');
    });

    // SQLite only: a PostgreSQL backup has no live file to overwrite.
    if (dialect.name === 'sqlite') test('a backup refuses to replace the live database, or to write where no directory is', async () => {
      const live = join(dataDir, 'coffer.db');
      const before = readFileSync(live);
      const over = await coffer(['admin', 'backup', '--data-dir', dataDir, '--out', live], cleanEnv());
      assert.equal(over.code, 255);
      assert.match(over.stderr, /coffer admin backup: --out names the live database .*coffer\.db: choose another file/);
      assert.ok(readFileSync(live).equals(before), 'the database is untouched');
      const nowhere = await coffer(['admin', 'backup', '--data-dir', dataDir, '--out', join(work, 'missing', 'b.db')], cleanEnv());
      assert.equal(nowhere.code, 255);
      assert.match(nowhere.stderr, /coffer admin backup: the directory of .*missing\/b\.db does not exist/);
    });

    test('restored into a fresh data directory, a server serves everything the backup holds', async () => {
      const restoredDir = join(work, 'restored');
      const db = dialect.name === 'postgres' ? await database() : undefined;
      const run = await restore(restoredDir, { url: db?.url });
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.equal(result.DataDir, restoredDir);
      assert.equal(result.KeyFile, join(restoredDir, 'root.key'));
      assert.equal(result.CredentialsFile, join(restoredDir, 'credentials'));
      // aws/secretsmanager, the fixture key (two materials: rotated on demand) and the disabled one; the root's and the reader's keys; the function.
      assert.deepEqual([result.KeyMaterials, result.AccessKeys, result.RotationFunctions], [4, 2, 1]);
      assert.ok(Number(result.AuditEventsChecked) > ackedBefore, 'the audit trail holds the writes');
      assert.equal(statSync(restoredDir).mode & 0o777, 0o700);
      for (const file of readdirSync(restoredDir)) assert.equal(statSync(join(restoredDir, file)).mode & 0o777, 0o600, `${file} is owner-only`);
      assert.deepEqual(readdirSync(work).filter((f) => f.includes('restoring')), [], 'no staging directory is left');

      const server = await spawnServer({ dataDir: restoredDir, args: ['--workers', '1', ...serverArgs(db?.url)] });
      servers.push(server);
      // The restored credential is the original admin's: the same access key, read back from the backup.
      assert.deepEqual(readCredentials(join(restoredDir, 'credentials')), readCredentials(join(dataDir, 'credentials')));
      const c = clientsFor(server.url, readCredentials(join(restoredDir, 'credentials')));
      const reader = clientsFor(server.url, fixture.reader);
      try {
        assert.deepEqual(await fixtureSnapshot(c), original);
        const writes = await checkLoad(c.sm, load.owned);
        assert.ok(writes >= ackedBefore && writes <= startedAfter, `the copy holds ${writes} writes: at least the ${ackedBefore} acknowledged before the backup started, at most the ${startedAfter} started before it ended`);

        const decrypted = await c.kms.send(new DecryptCommand({ CiphertextBlob: fixture.ciphertext }));
        assert.equal(Buffer.from(decrypted.Plaintext!).toString(), KMS_PLAINTEXT.toString());
        // The user's access key (sealed by the root key) signs, and its policy still decides. (AWSCURRENT is
        // the second value: the third was written with the label BLUE only.)
        assert.equal((await reader.sm.send(new GetSecretValueCommand({ SecretId: 'fixture/json' }))).SecretString, FIXTURE_VALUES[1]);
        await assert.rejects(reader.sm.send(new GetSecretValueCommand({ SecretId: 'fixture/binary' })), { name: 'AccessDeniedException' });

        const verified = await c.admin('VerifyAuditTrail');
        assert.equal(verified.Valid, true, JSON.stringify(verified));
        assert.equal(verified.EventsChecked >= Number(result.AuditEventsChecked), true);
        const created = await c.admin('LookupEvents', { EventName: 'CreateUser' });
        assert.equal(created.Events.length, 2, 'the fixture\'s CreateUser calls are in the restored trail');
      } finally {
        c.destroy();
        reader.destroy();
        await server.stop();
      }
    });

    test('without the root key, or with another one, the restore refuses, writes nothing and shows nothing', async () => {
      const db = dialect.name === 'postgres' ? await database() : undefined;
      const target = join(work, 'refused');
      const none = await restore(target, { keyFile: null, url: db?.url });
      assert.equal(none.code, 255);
      assert.match(none.stderr, /coffer admin restore: a backup opens only with the root key it is sealed with: give --root-key-file .* or set COFFER_ROOT_KEY\. Nothing was restored\./);
      revealsNothing(none);

      const otherKey = randomBytes(32).toString('base64');
      const otherFile = join(work, 'other.key');
      writeFileSync(otherFile, `${otherKey}\n`, { mode: 0o600 });
      for (const run of [await restore(target, { keyFile: otherFile, url: db?.url }), await restore(target, { keyFile: null, url: db?.url, env: { COFFER_ROOT_KEY: otherKey } })]) {
        assert.equal(run.code, 255);
        assert.match(run.stderr, /the root key given does not open this backup: it is sealed with root key [0-9a-f]{16}, and the keys given are [0-9a-f]{16} .*Nothing was restored\./);
        revealsNothing(run, [otherKey]);
      }
      assert.equal(existsSync(target), false, 'no data directory was created');
      assert.deepEqual(readdirSync(work).filter((f) => f.includes('restoring')), []);
      if (db) assert.equal(await tableCount(db.url), 0, 'nothing was loaded into the database');
    });

    test('with the root key in COFFER_ROOT_KEY, the restore opens the backup and writes no key file', async () => {
      const target = join(work, 'env-key');
      const db = dialect.name === 'postgres' ? await database() : undefined;
      const key = readFileSync(join(dataDir, 'root.key'), 'utf8').trim();
      const run = await restore(target, { keyFile: null, url: db?.url, env: { COFFER_ROOT_KEY: key } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as Record<string, unknown>).KeyFile, undefined);
      assert.deepEqual(readdirSync(target).sort(), dialect.name === 'sqlite' ? ['coffer.db', 'credentials'] : ['credentials']);
    });

    test('a non-empty data directory, a damaged file and an altered backup are refused', async () => {
      const occupied = join(work, 'occupied');
      mkdirSync(occupied);
      writeFileSync(join(occupied, 'notes.txt'), 'keep me');
      const busy = await restore(occupied);
      assert.equal(busy.code, 255);
      assert.match(busy.stderr, /occupied is not empty: restore only into a new or empty data directory\. Nothing was restored\./);
      assert.deepEqual(readdirSync(occupied), ['notes.txt']);

      const damaged = join(work, 'damaged.bin');
      writeFileSync(damaged, readFileSync(backupFile).subarray(0, 20_000));
      const broken = await restore(join(work, 'from-damaged'), { from: damaged, url: dialect.name === 'postgres' ? (await database()).url : undefined });
      assert.equal(broken.code, 255);
      assert.match(broken.stderr, dialect.name === 'sqlite' ? /damaged\.bin is not a Coffer backup that can be restored: .*damaged/ : /pg_restore failed/);
      assert.match(broken.stderr, /Nothing was restored\./);
      revealsNothing(broken);
      if (dialect.name === 'postgres') {
        // An archive whose audit trail was edited (loaded, a batch changed, dumped again): the root key opens
        // it, so it is loaded, then refused; the error names the database that now holds the unverified copy.
        const scratch = await database();
        pgTool('pg_restore', ['--no-owner', `--dbname=${scratch.url}`, backupFile]);
        await sql(scratch.url, 'update audit_segments set texts = set_byte(texts, length(texts) - 1, get_byte(texts, length(texts) - 1) # 1) where first_seq = (select min(first_seq) from audit_segments)');
        const edited = join(work, 'edited-trail.pgdump');
        pgTool('pg_dump', ['--format=custom', `--file=${edited}`, `--dbname=${scratch.url}`]);
        const target = await database();
        const trail = await restore(join(work, 'from-edited-trail'), { from: edited, url: target.url });
        assert.equal(trail.code, 255);
        assert.match(
          trail.stderr,
          /the backup's audit trail does not verify: the first bad event is event \S+ \(sequence \d+\): .* The database postgres:\/\/\S+ now holds this unverified copy: drop or empty it before restoring again\./,
        );
        revealsNothing(trail);
        assert.equal(existsSync(join(work, 'from-edited-trail')), false, 'no data directory was created');
        return;
      }

      // Altered after the backup: an audit batch edited, then a KMS key's sealed material.
      const editedTrail = alteredCopy(backupFile, join(work, 'edited-trail.db'), 'audit_segments', 'texts', 'first_seq');
      const trail = await restore(join(work, 'from-edited-trail'), { from: editedTrail });
      assert.equal(trail.code, 255);
      assert.match(trail.stderr, /the backup's audit trail does not verify: the first bad event is event \S+ \(sequence \d+\): .*Nothing was restored\./);
      revealsNothing(trail);
      const editedKey = alteredCopy(backupFile, join(work, 'edited-key.db'), 'kms_key_materials', 'material_sealed', 'key_id');
      const sealed = await restore(join(work, 'from-edited-key'), { from: editedKey });
      assert.equal(sealed.code, 255);
      assert.match(sealed.stderr, /an item sealed by the root key does not open \(ciphertext failed authentication\): the backup is damaged or was altered\. Nothing was restored\./);
      revealsNothing(sealed);
      assert.deepEqual(readdirSync(work).filter((f) => f.startsWith('from-') || f.includes('restoring')), []);
    });
  });
}

/** A copy of a SQLite backup with one byte flipped in the first row's `column` of `table`. */
function alteredCopy(from: string, to: string, table: string, column: string, orderBy: string): string {
  copyFileSync(from, to);
  const db = new Sqlite(to);
  try {
    const row = db.prepare(`select rowid as id, ${column} as blob from ${table} order by ${orderBy} limit 1`).get() as { id: number; blob: Buffer };
    const edited = Buffer.from(row.blob);
    edited[edited.length - 1] ^= 1;
    assert.equal(db.prepare(`update ${table} set ${column} = ? where rowid = ?`).run(edited, row.id).changes, 1);
  } finally {
    db.close();
  }
  return to;
}

function pgTool(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${tool}: ${r.stderr}`);
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** What a PostgreSQL archive holds, as the SQL script pg_restore makes of it (the archive itself is compressed). */
function pgRestoreScript(file: string): Buffer {
  const r = spawnSync('pg_restore', ['--file=-', file], { maxBuffer: 512 * 1024 * 1024 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("select count(*) as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')");
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}
