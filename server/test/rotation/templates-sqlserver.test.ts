// The SQL Server templates without a SQL Server (none can run here): QUOTENAME-style quoting, the
// permission statements, and both strategies' four steps against a fake database that checks passwords,
// for an ordinary database (logins) and a contained one (users with passwords).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alterOwnPasswordSql, permissionSql, quoteName, quoteString, sqlserver } from '../../src/rotation/functions/templates/sqlserver.ts';
import { createRotationTemplate } from '../../src/rotation/functions/templates/rotation-template.ts';
import { fakeDatabase } from './fake-database.ts';
import { fakeSecretsApi } from './fake-secrets-api.ts';

const silent = { error: () => {} };
const HOST = 'mssql.example.internal';

test('names are bracketed with ] doubled, strings are N-literals with quotes doubled', () => {
  assert.equal(quoteName('app'), '[app]');
  assert.equal(quoteName('a]; DROP LOGIN sa; --'), '[a]]; DROP LOGIN sa; --]');
  assert.equal(quoteString("it's"), "N'it''s'");
  assert.equal(alterOwnPasswordSql(false, 'app', 'new', 'old'), "ALTER LOGIN [app] WITH PASSWORD = N'new' OLD_PASSWORD = N'old'");
  assert.equal(alterOwnPasswordSql(true, 'app', 'new', 'old'), "ALTER USER [app] WITH PASSWORD = N'new' OLD_PASSWORD = N'old'");
});

test('database permissions are restated for the clone; unknown classes and odd names are refused', () => {
  assert.equal(permissionSql({ class: 0, state_desc: 'GRANT', perm_name: 'CREATE TABLE' }, 'u_clone'), 'GRANT CREATE TABLE TO [u_clone]');
  assert.equal(
    permissionSql({ class: 1, state_desc: 'GRANT_WITH_GRANT_OPTION', perm_name: 'SELECT', obj_schema_name: 'dbo', obj_name: 'wid]gets', col_name: 'id' }, 'u_clone'),
    'GRANT SELECT ON OBJECT::[dbo].[wid]]gets] ([id]) TO [u_clone] WITH GRANT OPTION',
  );
  assert.equal(permissionSql({ class: 3, state_desc: 'DENY', perm_name: 'DELETE', schema_name: 'sales' }, 'u_clone'), 'DENY DELETE ON SCHEMA::[sales] TO [u_clone]');
  assert.throws(() => permissionSql({ class: 25, state_desc: 'GRANT', perm_name: 'CONTROL' }, 'u'), /class 25/);
  assert.throws(() => permissionSql({ class: 0, state_desc: 'GRANT', perm_name: 'SELECT; DROP' }, 'u'), /Unexpected permission name/);
  assert.throws(() => permissionSql({ class: 0, state_desc: 'REVOKE; --', perm_name: 'SELECT' }, 'u'), /Unexpected permission state/);
});

test("defaults: port 1433, database master; no TLS unless the secret's ssl asks", () => {
  assert.equal(sqlserver.defaultPort, 1433);
  assert.equal(sqlserver.defaultDbname, 'master');
  assert.equal(sqlserver.tlsFirst, false);
});

function sqlServerDb(database: string, contained: boolean) {
  const statements: string[] = [];
  const users = new Map<string, string>([['appuser', 'app']]); // database user -> login
  const lit = (s: string) => s.replace(/''/g, "'");
  const db = fakeDatabase((sql, params, user) => {
    let m: RegExpExecArray | null;
    if (sql === 'SELECT @@VERSION AS version') return [{ version: 'Microsoft SQL Server 2022' }];
    if (sql === 'SELECT DB_NAME() AS name') return [{ name: database }];
    if (sql.startsWith('SELECT containment')) return [{ containment: contained ? 1 : 0 }];
    if ((m = /^ALTER (LOGIN|USER) \[([^\]]+)\] WITH PASSWORD = N'((?:[^']|'')*)' OLD_PASSWORD = N'((?:[^']|'')*)'$/.exec(sql))) {
      if ((m[1] === 'USER') !== contained) throw new Error(`ALTER ${m[1]} in the wrong kind of database`);
      if (m[2] !== user || db.passwords.get(m[2]) !== lit(m[4])) throw new Error('Msg 15151: old password is not correct');
      db.passwords.set(m[2], lit(m[3]));
      return [];
    }
    if ((m = /^(ALTER|CREATE) (LOGIN|USER) \[([^\]]+)\] WITH PASSWORD = N'((?:[^']|'')*)'$/.exec(sql))) {
      if (user !== 'admin') throw new Error('Msg 15247: no permission');
      db.passwords.set(m[3], lit(m[4]));
      statements.push(`${m[1]} ${m[2]} ${m[3]}`);
      return [];
    }
    if (sql.startsWith('SELECT name FROM sys.server_principals')) return db.passwords.has(String(params[0])) ? [{ name: params[0] }] : [];
    if (sql.startsWith('SELECT dbprin.name')) return [...users].filter(([, login]) => login === params[0]).map(([name]) => ({ name }));
    if (sql.startsWith('SELECT name FROM sys.database_principals')) {
      const exists = contained ? db.passwords.has(String(params[0])) : users.has(String(params[0]));
      return exists ? [{ name: params[0] }] : [];
    }
    if ((m = /^CREATE USER \[([^\]]+)\] FOR LOGIN \[([^\]]+)\]$/.exec(sql))) return (users.set(m[1], m[2]), statements.push(sql), []);
    if (sql.startsWith('SELECT roleprin.name')) return [{ name: 'db_datareader' }];
    if (sql.startsWith('SELECT perm.class')) return [{ class: 1, state_desc: 'GRANT', perm_name: 'INSERT', obj_schema_name: 'dbo', obj_name: 'widgets', col_name: null }];
    if (sql.startsWith('SELECT perm.state_desc')) return [{ state_desc: 'GRANT', perm_name: 'VIEW SERVER STATE' }];
    if (/^(ALTER ROLE|GRANT|DENY) /.test(sql)) return (statements.push(sql), []);
    return undefined;
  }, (u) => u.toLowerCase());
  return { db, statements };
}

for (const contained of [false, true]) {
  test(`SingleUser in ${contained ? 'a contained database (ALTER USER)' : 'an ordinary database (ALTER LOGIN)'}: two rotations with OLD_PASSWORD`, async () => {
    const { db } = sqlServerDb('appdb', contained);
    db.passwords.set('app', 'first-password');
    const sm = fakeSecretsApi();
    sm.create('arn:app', { engine: 'sqlserver', host: HOST, username: 'app', password: 'first-password', dbname: 'appdb' });
    const invoke = createRotationTemplate({ ...sqlserver, connect: db.connect }, 'single')(sm.api, silent);
    for (let round = 1; round <= 2; round++) {
      const old = sm.value('arn:app');
      await sm.rotate('arn:app', invoke);
      const now = sm.value('arn:app');
      assert.equal(db.passwords.get('app'), now.password);
      assert.notEqual(now.password, old.password);
      assert.doesNotMatch(now.password, /[:/@"'\\]/);
      assert.deepEqual(sm.value('arn:app', 'AWSPREVIOUS'), old);
    }
    assert.ok(db.logins.every((l) => l.port === 1433 && l.tls === 'off'));
  });
}

test('MultiUser in an ordinary database: a login app_clone, its user mapped to it, the roles and permissions copied', async () => {
  const { db, statements } = sqlServerDb('appdb', false);
  db.passwords.set('app', 'first-password');
  db.passwords.set('admin', 'master-password');
  const sm = fakeSecretsApi();
  sm.create('arn:master', { engine: 'sqlserver', host: HOST, username: 'admin', password: 'master-password' });
  sm.create('arn:app', { engine: 'sqlserver', host: HOST, username: 'app', password: 'first-password', dbname: 'appdb', masterarn: 'arn:master', ssl: true });
  const invoke = createRotationTemplate({ ...sqlserver, connect: db.connect }, 'multi')(sm.api, silent);

  await sm.rotate('arn:app', invoke);
  const one = sm.value('arn:app');
  assert.equal(one.username, 'app_clone');
  assert.equal(db.passwords.get('app_clone'), one.password);
  assert.deepEqual(statements, [
    'CREATE LOGIN app_clone',
    'CREATE USER [appuser_clone] FOR LOGIN [app_clone]',
    'ALTER ROLE [db_datareader] ADD MEMBER [appuser_clone]',
    'GRANT INSERT ON OBJECT::[dbo].[widgets] TO [appuser_clone]',
  ]);
  assert.ok(db.logins.filter((l) => l.username === 'app' || l.username === 'app_clone').every((l) => l.tls === 'require'), '"ssl": true asks for TLS');

  await sm.rotate('arn:app', invoke);
  const two = sm.value('arn:app');
  assert.equal(two.username, 'app');
  assert.equal(db.passwords.get('app'), two.password);
  assert.equal(db.passwords.get('app_clone'), one.password, 'the previous user keeps working');
  assert.equal(statements.at(-1), 'ALTER LOGIN app');
});

test('MultiUser connected to master copies server permissions; in a contained database it creates a user with a password', async () => {
  const onMaster = sqlServerDb('master', false);
  onMaster.db.passwords.set('app', 'p1-password');
  onMaster.db.passwords.set('admin', 'master-password');
  const sm = fakeSecretsApi();
  sm.create('arn:master', { engine: 'sqlserver', host: HOST, username: 'admin', password: 'master-password' });
  sm.create('arn:app', { engine: 'sqlserver', host: HOST, username: 'app', password: 'p1-password', masterarn: 'arn:master' });
  await sm.rotate('arn:app', createRotationTemplate({ ...sqlserver, connect: onMaster.db.connect }, 'multi')(sm.api, silent));
  assert.deepEqual(onMaster.statements, ['CREATE LOGIN app_clone', 'GRANT VIEW SERVER STATE TO [app_clone]']);

  const contained = sqlServerDb('appdb', true);
  contained.db.passwords.set('app', 'p1-password');
  contained.db.passwords.set('admin', 'master-password');
  const sm2 = fakeSecretsApi();
  sm2.create('arn:master', { engine: 'sqlserver', host: HOST, username: 'admin', password: 'master-password' });
  sm2.create('arn:app', { engine: 'sqlserver', host: HOST, username: 'app', password: 'p1-password', dbname: 'appdb', masterarn: 'arn:master' });
  await sm2.rotate('arn:app', createRotationTemplate({ ...sqlserver, connect: contained.db.connect }, 'multi')(sm2.api, silent));
  assert.deepEqual(contained.statements, ['CREATE USER app_clone', 'ALTER ROLE [db_datareader] ADD MEMBER [app_clone]', 'GRANT INSERT ON OBJECT::[dbo].[widgets] TO [app_clone]']);
  assert.equal(contained.db.passwords.get('app_clone'), sm2.value('arn:app').password);
});

test('MultiUser refuses a master secret on another host', async () => {
  const { db } = sqlServerDb('appdb', false);
  db.passwords.set('app', 'first-password');
  const sm = fakeSecretsApi();
  sm.create('arn:master', { engine: 'sqlserver', host: 'elsewhere', username: 'admin', password: 'master-password' });
  sm.create('arn:app', { engine: 'sqlserver', host: HOST, username: 'app', password: 'first-password', masterarn: 'arn:master' });
  const invoke = createRotationTemplate({ ...sqlserver, connect: db.connect }, 'multi')(sm.api, silent);
  await assert.rejects(sm.rotate('arn:app', invoke), /is not the same host as master elsewhere/);
  assert.equal(sm.value('arn:app').password, 'first-password');
});
