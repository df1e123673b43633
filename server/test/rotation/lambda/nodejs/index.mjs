// A single-user rotation function for PostgreSQL and MySQL/MariaDB in Node.js, structured as AWS's published
// templates are: the handler checks the secret with DescribeSecret and dispatches the four steps. The client
// is built as in Lambda, with no endpoint: the SDK takes Coffer's from AWS_ENDPOINT_URL_SECRETS_MANAGER.
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import mysql from 'mysql2/promise';
import pg from 'pg';

const client = new SecretsManagerClient({});

export const handler = async (event, context) => {
  const { SecretId: arn, ClientRequestToken: token, Step: step, RotationToken: rotationToken } = event;
  console.log(`${context.functionName}: ${step} for ${arn} (request ${context.awsRequestId}, ${context.getRemainingTimeInMillis()} ms left)`);

  const metadata = await client.send(new DescribeSecretCommand({ SecretId: arn }));
  if (metadata.RotationEnabled === false) throw new Error(`Secret ${arn} is not enabled for rotation`);
  const versions = metadata.VersionIdsToStages ?? {};
  if (!versions[token]) throw new Error(`Secret version ${token} has no stage for rotation of secret ${arn}.`);
  if (versions[token].includes('AWSCURRENT')) {
    console.log(`Secret version ${token} already set as AWSCURRENT for secret ${arn}.`);
    return;
  }
  if (!versions[token].includes('AWSPENDING')) throw new Error(`Secret version ${token} not set as AWSPENDING for rotation of secret ${arn}.`);

  if (step === 'createSecret') await createSecret(arn, token, rotationToken);
  else if (step === 'setSecret') await setSecret(arn, token);
  else if (step === 'testSecret') await testSecret(arn, token);
  else if (step === 'finishSecret') await finishSecret(arn, token);
  else throw new Error(`Invalid step parameter ${step} for secret ${arn}`);
};

async function createSecret(arn, token, rotationToken) {
  const current = await getSecretDict(arn, 'AWSCURRENT');
  try {
    await getSecretDict(arn, 'AWSPENDING', token);
    console.log(`createSecret: Successfully retrieved secret for ${arn}.`);
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    const { RandomPassword } = await client.send(new GetRandomPasswordCommand({ ExcludeCharacters: process.env.EXCLUDE_CHARACTERS ?? '/@"\'\\' }));
    const pending = { ...current, password: RandomPassword };
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify(pending), VersionStages: ['AWSPENDING'], RotationToken: rotationToken }));
    console.log(`createSecret: Successfully put secret for ARN ${arn} and version ${token}.`);
  }
}

async function setSecret(arn, token) {
  const current = await getSecretDict(arn, 'AWSCURRENT');
  const pending = await getSecretDict(arn, 'AWSPENDING', token);
  let conn = await getConnection(pending);
  if (conn) {
    await conn.close();
    console.log(`setSecret: AWSPENDING secret is already set as password in database for secret arn ${arn}.`);
    return;
  }
  if (current.username !== pending.username) throw new Error(`Attempting to modify user ${pending.username} other than current user ${current.username}`);
  conn = (await getConnection(current)) ?? (await getConnection(await getSecretDict(arn, 'AWSPREVIOUS')));
  if (!conn) throw new Error(`Unable to log into database with previous, current, or pending secret of secret arn ${arn}`);
  try {
    await conn.changePassword(pending.username, pending.password);
    console.log(`setSecret: Successfully set password for user ${pending.username} in database for secret arn ${arn}.`);
  } finally {
    await conn.close();
  }
}

async function testSecret(arn, token) {
  const conn = await getConnection(await getSecretDict(arn, 'AWSPENDING', token));
  if (!conn) throw new Error(`Unable to log into database with pending secret of secret ARN ${arn}`);
  try {
    await conn.query('SELECT NOW()');
    console.log(`testSecret: Successfully signed into database with AWSPENDING secret in ${arn}.`);
  } finally {
    await conn.close();
  }
}

async function finishSecret(arn, token) {
  const metadata = await client.send(new DescribeSecretCommand({ SecretId: arn }));
  let currentVersion;
  for (const [version, stages] of Object.entries(metadata.VersionIdsToStages ?? {})) {
    if (stages.includes('AWSCURRENT')) {
      if (version === token) return;
      currentVersion = version;
      break;
    }
  }
  await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: currentVersion }));
  console.log(`finishSecret: Successfully set AWSCURRENT stage to version ${token} for secret ${arn}.`);
}

/** A connection as the secret's user, or undefined when the password is refused (the templates' contract). */
async function getConnection(s) {
  const port = Number(s.port);
  if (s.engine === 'postgres') {
    const c = new pg.Client({ host: s.host, port, user: s.username, password: s.password, database: s.dbname ?? 'postgres', connectionTimeoutMillis: 5000 });
    try {
      await c.connect();
    } catch (err) {
      if (err.code === '28P01') return undefined;
      throw err;
    }
    return {
      query: (q) => c.query(q),
      changePassword: (user, password) => c.query(`ALTER USER ${pg.escapeIdentifier(user)} WITH PASSWORD ${pg.escapeLiteral(password)}`),
      close: () => c.end(),
    };
  }
  let c;
  try {
    c = await mysql.createConnection({ host: s.host, port, user: s.username, password: s.password, database: s.dbname, connectTimeout: 5000 });
  } catch (err) {
    if (err.code === 'ER_ACCESS_DENIED_ERROR') return undefined;
    throw err;
  }
  return {
    query: (q) => c.query(q),
    // as AWS's MySQL and MariaDB templates: MariaDB (and MySQL 5.6) hash through PASSWORD(); the own account needs no privilege
    async changePassword(user, password) {
      const [[{ v }]] = await c.query('SELECT VERSION() AS v');
      if (v.includes('MariaDB') || v.startsWith('5.6')) await c.query('SET PASSWORD = PASSWORD(?)', [password]);
      else await c.query('ALTER USER ?@? IDENTIFIED BY ?', [user, '%', password]);
    },
    close: () => c.end(),
  };
}

async function getSecretDict(arn, stage, token) {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage, ...(token ? { VersionId: token } : {}) }));
  const dict = JSON.parse(secret.SecretString);
  for (const field of ['host', 'username', 'password', 'engine', 'port']) {
    if (!(field in dict)) throw new Error(`${field} key is missing from secret JSON`);
  }
  if (!['postgres', 'mysql', 'mariadb'].includes(dict.engine)) throw new Error("Database engine must be set to 'postgres', 'mysql' or 'mariadb' in order to use this rotation function");
  return dict;
}
