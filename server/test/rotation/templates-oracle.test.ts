// The Oracle templates without an Oracle server (none can run here): identifier and password quoting, the
// statements, and both strategies' four steps against a fake database that checks passwords.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alterOwnPasswordSql, cloneGrants, connectString, oracle, quoteIdent, quotePassword } from '../../src/rotation/functions/templates/oracle.ts';
import { createRotationTemplate } from '../../src/rotation/functions/templates/rotation-template.ts';
import { fakeDatabase } from './fake-database.ts';
import { fakeSecretsApi } from './fake-secrets-api.ts';

const silent = { error: () => {} };
const HOST = 'db.example.internal';

test('names are upper-cased and double-quoted like DBMS_ASSERT.ENQUOTE_NAME; a double quote is refused, never stripped', () => {
  assert.equal(quoteIdent('app'), '"APP"');
  assert.throws(() => quoteIdent('app" IDENTIFIED BY "x'), /may not contain a double quote/);
  assert.throws(() => quotePassword('pa"ss'), /may not contain a double quote/);
  assert.equal(alterOwnPasswordSql('app', 'n3w;pw', 'old'), 'ALTER USER "APP" IDENTIFIED BY "n3w;pw" REPLACE "old"');
  assert.equal(oracle.alternateUsername('app'), 'APP_CLONE');
  assert.equal(oracle.alternateUsername('APP_CLONE'), 'APP');
  assert.throws(() => oracle.alternateUsername('A'.repeat(123)), /exceed 128 characters/);
  assert.match(oracle.password.excludeCharacters, /"/);
});

test('GET_GRANTED_DDL output is restated for the clone, grantee only', () => {
  const ddl = '\n  GRANT "APP_ROLE" TO "APP"\n\n  GRANT SELECT ON "OWNER"."T" TO "APP" WITH GRANT OPTION\n';
  assert.deepEqual(cloneGrants(ddl, 'app', 'APP_CLONE'), ['GRANT "APP_ROLE" TO "APP_CLONE"', 'GRANT SELECT ON "OWNER"."T" TO "APP_CLONE" WITH GRANT OPTION']);
});

test('the connect string names the service; ssl asks for TCPS; without ssl no TLS is tried (as AWS)', () => {
  const login = { host: HOST, port: 1521, dbname: 'ORCL', username: 'u', password: 'p' };
  assert.equal(connectString({ ...login, tls: 'off' }), `${HOST}:1521/ORCL`);
  assert.equal(connectString({ ...login, tls: 'require' }), `tcps://${HOST}:1521/ORCL`);
  assert.equal(oracle.tlsFirst, false);
});

function oracleDb() {
  const grants: string[] = [];
  const db = fakeDatabase((sql, params, user) => {
    let m: RegExpExecArray | null;
    if (sql === 'SELECT SYSDATE FROM DUAL') return [{ SYSDATE: new Date() }];
    if ((m = /^ALTER USER "([^"]+)" IDENTIFIED BY "([^"]*)" REPLACE "([^"]*)"$/.exec(sql))) {
      if (m[1] !== user || db.passwords.get(m[1]) !== m[3]) throw new Error('ORA-28008: invalid old password');
      db.passwords.set(m[1], m[2]);
      return [];
    }
    if ((m = /^(?:ALTER|CREATE) USER "([^"]+)" IDENTIFIED BY "([^"]*)"$/.exec(sql))) {
      if (user !== 'ADMIN') throw new Error('ORA-01031: insufficient privileges');
      db.passwords.set(m[1], m[2]);
      return [];
    }
    if (sql.startsWith('SELECT USERNAME FROM DBA_USERS')) return db.passwords.has(String(params[0])) ? [{ USERNAME: params[0] }] : [];
    if (sql.includes('DBMS_METADATA.GET_GRANTED_DDL')) {
      if (params[0] === 'OBJECT_GRANT') throw new Error('ORA-31608: specified object of type OBJECT_GRANT not found');
      return [{ DDL: params[0] === 'ROLE_GRANT' ? `\n  GRANT "APP_ROLE" TO "${params[1]}"\n` : `  GRANT CREATE SESSION TO "${params[1]}"` }];
    }
    if (sql.startsWith('GRANT ')) return (grants.push(sql), []);
    return undefined;
  }, (u) => u.toUpperCase());
  return { db, grants };
}

test('SingleUser: two rotations change the password with REPLACE of the old one; AWSPREVIOUS keeps it', async () => {
  const { db } = oracleDb();
  db.passwords.set('APP', 'first-password');
  const sm = fakeSecretsApi();
  sm.create('arn:app', { engine: 'oracle', host: HOST, username: 'APP', password: 'first-password', dbname: 'ORCL' });
  const invoke = createRotationTemplate({ ...oracle, connect: db.connect }, 'single')(sm.api, silent);
  for (let round = 1; round <= 2; round++) {
    const old = sm.value('arn:app');
    await sm.rotate('arn:app', invoke);
    const now = sm.value('arn:app');
    assert.equal(db.passwords.get('APP'), now.password);
    assert.notEqual(now.password, old.password);
    assert.equal(now.password.length, 30);
    assert.doesNotMatch(now.password, /[/@"'\\]/);
    assert.deepEqual(sm.value('arn:app', 'AWSPREVIOUS'), old);
    assert.ok(db.log.some((s) => s.sql.endsWith(`REPLACE "${old.password}"`)));
  }
  assert.ok(db.logins.every((l) => l.port === 1521 && l.dbname === 'ORCL' && l.tls === 'off'), 'default port, the service name, no TLS');
});

test('MultiUser: the master creates APP_CLONE with the grants of APP, then the two alternate', async () => {
  const { db, grants } = oracleDb();
  db.passwords.set('APP', 'first-password');
  db.passwords.set('ADMIN', 'master-password');
  const sm = fakeSecretsApi();
  sm.create('arn:master', { engine: 'oracle', host: HOST, username: 'ADMIN', password: 'master-password' });
  sm.create('arn:app', { engine: 'oracle', host: HOST, username: 'app', password: 'first-password', dbname: 'ORCL', masterarn: 'arn:master' });
  const invoke = createRotationTemplate({ ...oracle, connect: db.connect }, 'multi')(sm.api, silent);

  await sm.rotate('arn:app', invoke);
  const one = sm.value('arn:app');
  assert.equal(one.username, 'APP_CLONE');
  assert.equal(db.passwords.get('APP_CLONE'), one.password);
  assert.equal(db.passwords.get('APP'), 'first-password', 'the previous user keeps working');
  assert.deepEqual(grants, ['GRANT "APP_ROLE" TO "APP_CLONE"', 'GRANT CREATE SESSION TO "APP_CLONE"']);
  assert.ok(db.log.some((s) => s.user === 'ADMIN' && s.sql.startsWith('CREATE USER "APP_CLONE"')));
  assert.ok(db.logins.some((l) => l.username === 'ADMIN' && l.dbname === 'ORCL'), "the master logs in to the rotated secret's service");

  await sm.rotate('arn:app', invoke);
  const two = sm.value('arn:app');
  assert.equal(two.username, 'APP');
  assert.equal(db.passwords.get('APP'), two.password);
  assert.equal(db.passwords.get('APP_CLONE'), one.password);
  assert.equal(grants.length, 2, 'an existing user only has its password changed');
});

test('a username that would break out of the quotes fails the step before any SQL runs', async () => {
  const { db } = oracleDb();
  const evil = 'APP" IDENTIFIED BY "x';
  db.passwords.set(evil, 'first-password');
  const sm = fakeSecretsApi();
  sm.create('arn:app', { engine: 'oracle', host: HOST, username: evil, password: 'first-password', dbname: 'ORCL' });
  const invoke = createRotationTemplate({ ...oracle, connect: db.connect }, 'single')(sm.api, silent);
  await assert.rejects(sm.rotate('arn:app', invoke), /may not contain a double quote/);
  assert.ok(!db.log.some((s) => s.sql.startsWith('ALTER')));
  assert.equal(sm.value('arn:app').password, 'first-password', 'AWSCURRENT did not move');
});

test('errors carry no password, even when the driver quotes one; a secret for another engine is refused', async () => {
  const { db } = oracleDb();
  db.passwords.set('APP', 'first-password');
  const sm = fakeSecretsApi();
  sm.create('arn:app', { engine: 'oracle', host: HOST, username: 'APP', password: 'first-password', dbname: 'ORCL' });
  const leaky = { ...oracle, connect: db.connect, setOwnPassword: async (_c: unknown, _u: string, pw: string, old: string) => { throw new Error(`ORA-28003: verification of ${pw} (was ${old}) failed`); } };
  const invoke = createRotationTemplate(leaky, 'single')(sm.api, silent);
  const err = await sm.rotate('arn:app', invoke).then(() => undefined, (e: Error) => e);
  assert.ok(err);
  assert.match(err.message, /ORA-28003/);
  assert.ok(!err.message.includes('first-password'));
  for (const p of sm.passwords) assert.ok(!err.message.includes(p));

  sm.create('arn:pg', { engine: 'postgres', host: HOST, username: 'APP', password: 'first-password', dbname: 'ORCL' });
  await assert.rejects(sm.rotate('arn:pg', invoke), /Database engine must be set to 'oracle'/);
  sm.create('arn:nodb', { engine: 'oracle', host: HOST, username: 'APP', password: 'first-password' });
  await assert.rejects(sm.rotate('arn:nodb', invoke), /dbname key is missing/);
});
