// The parts of the built-in templates shared by every database, and the MySQL/PostgreSQL statement
// builders: the secret's checks and defaults, the TLS decision, AWS's version checks, the template names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialectOf, parseDbSecret, portOf, dbnameOf, tlsAttempts } from '../../src/rotation/functions/templates/db-secret.ts';
import type { Login, SqlConnection } from '../../src/rotation/functions/templates/dialect.ts';
import { TEMPLATES } from '../../src/rotation/functions/templates/index.ts';
import { cloneGrant, mariadb, mysqlServer, passwordExpression, quote, requireClause } from '../../src/rotation/functions/templates/mysql.ts';
import { alterPasswordSql, createCloneSql, postgres } from '../../src/rotation/functions/templates/postgres.ts';
import { createRotationTemplate } from '../../src/rotation/functions/templates/rotation-template.ts';
import { scramVerifier } from '../../src/rotation/functions/templates/scram-verifier.ts';
import { templateName } from '../../src/rotation/functions/registry.ts';
import { fakeDatabase } from './fake-database.ts';
import { fakeSecretsApi } from './fake-secrets-api.ts';

const silent = { error: () => {} };

test('all ten templates of the product spec exist, also by their serverless-repository ARN', () => {
  const names = ['PostgreSQL', 'MySQL', 'MariaDB', 'Oracle', 'SQLServer'].flatMap((db) => [`SecretsManagerRDS${db}RotationSingleUser`, `SecretsManagerRDS${db}RotationMultiUser`]);
  assert.deepEqual(Object.keys(TEMPLATES).sort(), names.sort());
  assert.equal(templateName('arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSOracleRotationMultiUser'), 'SecretsManagerRDSOracleRotationMultiUser');
});

test("the secret's structure: required fields, engine, the spec's defaults; a value that is not JSON is never quoted", () => {
  const ok = { engine: 'postgres', host: 'h', username: 'u', password: 'p' };
  const parsed = parseDbSecret(JSON.stringify(ok), postgres);
  assert.equal(portOf(parsed, postgres), 5432);
  assert.equal(dbnameOf(parsed, postgres), 'postgres');
  assert.equal(portOf({ ...parsed, port: '6543' }, postgres), 6543);
  assert.throws(() => portOf({ ...parsed, port: 'x' }, postgres), /not a TCP port/);
  assert.equal(portOf(parseDbSecret(JSON.stringify({ ...ok, engine: 'mysql' }), mysqlServer), mysqlServer), 3306);
  assert.equal(dbnameOf(parseDbSecret(JSON.stringify({ ...ok, engine: 'mariadb' }), mariadb), mariadb), undefined);
  assert.throws(() => parseDbSecret(JSON.stringify({ ...ok, host: undefined }), postgres), /host key is missing/);
  assert.throws(() => parseDbSecret(JSON.stringify({ ...ok, engine: 'mysql' }), postgres), /engine must be set to 'postgres'/);
  assert.throws(() => parseDbSecret(JSON.stringify({ ...ok, engine: 'mariadb' }), mysqlServer), /engine must be set to 'mysql'/);
  assert.throws(() => parseDbSecret('hunter2-not-json', postgres), (err: Error) => !err.message.includes('hunter2'));
});

test("a function-rotated secret's dialect is its engine's, among those known; otherwise why not, never quoting the value", () => {
  const ok = { engine: 'mariadb', host: 'h', username: 'u', password: 'p' };
  const known = [postgres, mysqlServer, mariadb];
  assert.equal(dialectOf(JSON.stringify(ok), known), mariadb);
  assert.equal(dialectOf(JSON.stringify({ ...ok, engine: 'aurora-mysql' }), known), mysqlServer);
  assert.equal(dialectOf(JSON.stringify({ ...ok, engine: 'aurora-postgresql' }), known), postgres);
  assert.throws(() => dialectOf(JSON.stringify({ ...ok, engine: 'mongo' }), known), /^Error: its engine is none of postgres, aurora-postgresql, mysql, aurora-mysql, mariadb$/);
  assert.throws(() => dialectOf(JSON.stringify({ ...ok, engine: undefined }), known), /^Error: engine key is missing from secret JSON$/);
  assert.throws(() => dialectOf(JSON.stringify({ ...ok, host: '' }), known), /^Error: host key is missing from secret JSON$/);
  assert.throws(() => dialectOf(JSON.stringify([ok]), known), /engine key is missing/);
  assert.throws(() => dialectOf('hunter2-not-json', known), (err: Error) => err.message === 'The secret value is not valid JSON');
});

test('TLS: ssl true requires it, false refuses it; without ssl PostgreSQL and MySQL try TLS first', () => {
  const s = parseDbSecret(JSON.stringify({ engine: 'postgres', host: 'h', username: 'u', password: 'p' }), postgres);
  assert.deepEqual(tlsAttempts(s, postgres), ['require', 'off']);
  assert.deepEqual(tlsAttempts(s, mysqlServer), ['require', 'off']);
  for (const ssl of [true, 'true', 'TRUE']) assert.deepEqual(tlsAttempts({ ...s, ssl }, postgres), ['require']);
  for (const ssl of [false, 'false']) assert.deepEqual(tlsAttempts({ ...s, ssl }, postgres), ['off']);
});

test('PostgreSQL statements quote names (no injection through a username) and send SCRAM verifiers, not passwords', () => {
  const verifier = /^'SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+'$/;
  const sql = alterPasswordSql('a"; DROP ROLE x; --', "p'w-secret");
  assert.ok(sql.startsWith(`ALTER USER "a""; DROP ROLE x; --" WITH PASSWORD '`), sql);
  assert.match(sql.split(' WITH PASSWORD ')[1], verifier);
  assert.ok(!sql.includes('secret'));
  assert.equal(alterPasswordSql('app', "pässwörd'"), `ALTER USER "app" WITH PASSWORD 'pässwörd'''`, 'SASLprep is the server\'s: non-ASCII goes as text');
  const [create, grant] = createCloneSql('app', 'app_clone', 'pw-secret');
  assert.match(create.replace('CREATE ROLE "app_clone" WITH LOGIN PASSWORD ', ''), verifier);
  assert.equal(grant, 'GRANT "app" TO "app_clone"');
  assert.equal(postgres.alternateUsername('app_clone'), 'app');
  assert.throws(() => postgres.alternateUsername('a'.repeat(58)), /exceed 63/);
});

test('MySQL statements: quotes doubled, backslashes refused, grants restated for the clone, PASSWORD() where needed', () => {
  assert.equal(quote("o'brien"), "'o''brien'");
  assert.throws(() => quote('a\\'), /backslash/);
  const clone = "'app_clone'@'%'";
  assert.equal(cloneGrant("GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*ABC'", clone), `GRANT USAGE ON *.* TO ${clone}`);
  assert.equal(cloneGrant('GRANT SELECT, INSERT ON `d TO x`.`t` TO `app`@`%` WITH GRANT OPTION', clone), `GRANT SELECT, INSERT ON \`d TO x\`.\`t\` TO ${clone} WITH GRANT OPTION`);
  assert.equal(cloneGrant("GRANT `reader` TO 'app'@'10.%'", clone), `GRANT \`reader\` TO ${clone}`);
  assert.equal(cloneGrant('SET DEFAULT ROLE `reader` FOR `app`@`%`', clone), undefined);
  assert.equal(passwordExpression('10.11.19-MariaDB-0+deb12u1', 'pw'), "PASSWORD('pw')");
  assert.equal(passwordExpression('5.6.51-log', 'pw'), "PASSWORD('pw')");
  assert.equal(passwordExpression('8.0.36', 'pw'), "'pw'");
  assert.equal(passwordExpression('5.7.44', 'pw'), "'pw'");
  assert.equal(requireClause({ ssl_type: '' }), 'REQUIRE NONE');
  assert.equal(requireClause({ ssl_type: 'ANY' }), 'REQUIRE SSL');
  assert.equal(requireClause({ ssl_type: 'SPECIFIED', ssl_cipher: Buffer.from(''), x509_issuer: Buffer.from("/CN=o'ca"), x509_subject: '' }), "REQUIRE ISSUER '/CN=o''ca'");
  assert.throws(() => mysqlServer.alternateUsername('a'.repeat(27)), /exceed 32/);
  assert.equal(mariadb.alternateUsername('a'.repeat(27)), `${'a'.repeat(27)}_clone`);
});

/** PostgreSQL's dialect over a fake server; `tls` says what the server does with a TLS request. */
function fakePostgres(tls: 'none' | 'bad-certificate' | 'ok') {
  const db = fakeDatabase((sql) => {
    const m = /^ALTER USER "([^"]+)" WITH PASSWORD '([^']*)'$/.exec(sql);
    if (m) db.passwords.set(m[1], m[2]);
    return m || sql.startsWith('SELECT') ? [] : undefined;
  });
  const connect = async (login: Login): Promise<SqlConnection> => {
    if (login.tls === 'require' && tls === 'none') throw new Error('The server does not support SSL connections');
    if (login.tls === 'require' && tls === 'bad-certificate') throw new Error('self-signed certificate in certificate chain');
    // a stored SCRAM verifier is checked the server's way: the same salt and iterations must give it again
    const stored = db.passwords.get(login.username);
    const m = stored && /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored);
    if (m && scramVerifier(login.password, Buffer.from(m[2], 'base64'), Number(m[1])) === stored) return db.connect({ ...login, password: stored });
    return db.connect(login);
  };
  return { db, dialect: { ...postgres, connect } };
}

test('without ssl: TLS first, plaintext only when the server has no TLS, never after a failed certificate check', async () => {
  // the fake records the logins that reach the server: over TLS when it has TLS, in plaintext when it has none
  for (const [server, expected] of [['ok', 'require'], ['none', 'off']] as const) {
    const { db, dialect } = fakePostgres(server);
    db.passwords.set('app', 'first-password');
    const sm = fakeSecretsApi();
    sm.create('arn:app', { engine: 'postgres', host: 'h', username: 'app', password: 'first-password' });
    await sm.rotate('arn:app', createRotationTemplate(dialect, 'single')(sm.api, silent));
    assert.deepEqual([...new Set(db.logins.map((l) => l.tls))], [expected], server);
  }
  const { db, dialect } = fakePostgres('bad-certificate');
  db.passwords.set('app', 'first-password');
  const sm = fakeSecretsApi();
  sm.create('arn:app', { engine: 'postgres', host: 'h', username: 'app', password: 'first-password' });
  await assert.rejects(sm.rotate('arn:app', createRotationTemplate(dialect, 'single')(sm.api, silent)), /Unable to log into database/);
  assert.equal(db.logins.length, 0, 'no plaintext login after a certificate failure');
});

test("AWS's version checks: a token that is not pending is refused; one already AWSCURRENT is done; rotation disabled is refused", async () => {
  const { db, dialect } = fakePostgres('ok');
  db.passwords.set('app', 'first-password');
  const sm = fakeSecretsApi();
  sm.create('arn:app', { engine: 'postgres', host: 'h', username: 'app', password: 'first-password' });
  const invoke = createRotationTemplate(dialect, 'single')(sm.api, silent);
  await assert.rejects(invoke({ SecretId: 'arn:app', ClientRequestToken: 'nope', Step: 'createSecret' }), /has no stage for rotation/);
  await invoke({ SecretId: 'arn:app', ClientRequestToken: 'v0', Step: 'setSecret' }); // v0 is AWSCURRENT: nothing to do
  assert.equal(db.log.length, 0);
  const disabled = { ...sm.api, describeSecret: async () => ({ RotationEnabled: false, VersionIdsToStages: {} }) };
  await assert.rejects(createRotationTemplate(dialect, 'single')(disabled, silent)({ SecretId: 'arn:app', ClientRequestToken: 'v0', Step: 'createSecret' }), /not enabled for rotation/);
});

test('MultiUser refuses a pending user other than the alternate, and a current secret whose credentials do not log in', async () => {
  const { db, dialect } = fakePostgres('ok');
  db.passwords.set('app', 'first-password');
  db.passwords.set('admin', 'master-password');
  const sm = fakeSecretsApi();
  sm.create('arn:master', { engine: 'postgres', host: 'h', username: 'admin', password: 'master-password' });
  sm.create('arn:app', { engine: 'postgres', host: 'h', username: 'app', password: 'wrong-password', masterarn: 'arn:master' });
  const invoke = createRotationTemplate(dialect, 'multi')(sm.api, silent);
  await assert.rejects(sm.rotate('arn:app', invoke), /Unable to log into database using current credentials/);
  assert.ok(!db.logins.some((l) => l.username === 'admin'), 'the master is not used for credentials that do not work');
});
