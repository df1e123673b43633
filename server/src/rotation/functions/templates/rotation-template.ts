// The one skeleton behind every built-in database template: AWS's four steps, as its published RDS
// rotation functions run them, over a Dialect. SingleUser changes the user's own password (logging in with
// AWSCURRENT, falling back to AWSPREVIOUS to recover from a half-finished rotation); MultiUser logs in with
// the master secret named by `masterarn` and alternates between `<username>` and `<username>_clone`.
// Every error leaves here scrubbed of every password this invocation has seen.
import type { EngineLogger } from '../../engine.ts';
import { describeError } from '../../scrub.ts';
import type { Invoke, RotationEvent } from '../types.ts';
import type { DbSecret } from './db-secret.ts';
import type { Dialect } from './dialect.ts';
import type { SecretsApi } from './secrets-api.ts';
import { createTemplateSession, type TemplateSession } from './template-session.ts';

export type Strategy = 'single' | 'multi';

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';
const PREVIOUS = 'AWSPREVIOUS';

export function createRotationTemplate(dialect: Dialect, strategy: Strategy) {
  return (api: SecretsApi, logger: EngineLogger): Invoke =>
    async (event: RotationEvent) => {
      const info = (msg: string) => logger.info?.(`${dialect.label} ${strategy}-user rotation: ${msg}`, { secret: event.SecretId, token: event.ClientRequestToken, step: event.Step });
      const session = createTemplateSession(api, dialect, info);
      try {
        await run(api, event, session, info);
      } catch (err) {
        throw new Error(describeError(err, [...session.seen]));
      }
    };

  async function run(api: SecretsApi, event: RotationEvent, session: TemplateSession, info: (msg: string) => void): Promise<void> {
    const { SecretId: arn, ClientRequestToken: token, Step: step } = event;

    const { secret, login, loginWorks } = session;

    function sameTarget(a: DbSecret, b: DbSecret, what: string): void {
      if (a.host !== b.host) throw new Error(`Attempting to modify user for host ${b.host} other than ${what} host ${a.host}`);
    }

    // AWS's checks of the version before any step.
    const metadata = await api.describeSecret({ SecretId: arn });
    if (metadata.RotationEnabled === false) throw new Error(`Secret ${arn} is not enabled for rotation`);
    const stages = metadata.VersionIdsToStages?.[token];
    if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of secret ${arn}.`);
    if (stages.includes(CURRENT)) {
      info(`version ${token} is already ${CURRENT}`);
      return;
    }
    if (!stages.includes(PENDING)) throw new Error(`Secret version ${token} not set as ${PENDING} for rotation of secret ${arn}.`);

    switch (step) {
      case 'createSecret': {
        const current = await secret(arn, CURRENT);
        try {
          await secret(arn, PENDING, token);
          info('the pending version already has a value');
          return;
        } catch (err) {
          if ((err as Error).name !== 'ResourceNotFoundException') throw err;
        }
        const { RandomPassword } = await api.getRandomPassword({
          ExcludeCharacters: dialect.password.excludeCharacters,
          PasswordLength: dialect.password.length,
        });
        if (!RandomPassword) throw new Error('GetRandomPassword returned no password');
        session.seen.add(RandomPassword);
        const username = strategy === 'multi' ? dialect.alternateUsername(current.username) : current.username;
        const next = { ...current, username, password: RandomPassword };
        // As part of this rotation (its RotationToken), as AWS's functions rotating across accounts do.
        const rotation = event.RotationToken ? { RotationToken: event.RotationToken } : {};
        await api.putSecretValue({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify(next), VersionStages: [PENDING], ...rotation });
        info(`put the pending version for user ${username}`);
        return;
      }
      case 'setSecret': {
        const current = await secret(arn, CURRENT);
        const pending = await secret(arn, PENDING, token);
        if (await loginWorks(pending)) {
          info(`the ${PENDING} password is already set`);
          return;
        }
        if (strategy === 'single') await setSingle(current, pending);
        else await setMulti(current, pending);
        info(`set the password of ${pending.username}`);
        return;
      }
      case 'testSecret': {
        const pending = await secret(arn, PENDING, token);
        const conn = await login(pending);
        if (!conn) throw new Error(`Unable to log into database with pending secret of secret ARN ${arn}`);
        try {
          await dialect.probe(conn);
        } finally {
          await conn.close();
        }
        info(`logged in with the ${PENDING} secret`);
        return;
      }
      case 'finishSecret': {
        const versions = (await api.describeSecret({ SecretId: arn })).VersionIdsToStages ?? {};
        const currentVersion = Object.keys(versions).find((id) => versions[id].includes(CURRENT));
        if (currentVersion === token) return;
        await api.updateSecretVersionStage({ SecretId: arn, VersionStage: CURRENT, MoveToVersionId: token, RemoveFromVersionId: currentVersion });
        info(`moved ${CURRENT} to version ${token}`);
        return;
      }
      default:
        throw new Error(`Invalid step parameter ${String(step)} for secret ${arn}`);
    }

    async function setSingle(current: DbSecret, pending: DbSecret): Promise<void> {
      if (current.username !== pending.username) throw new Error(`Attempting to modify user ${pending.username} other than current user ${current.username}`);
      sameTarget(current, pending, 'current');
      let conn = await login(current);
      let oldPassword = current.password;
      if (!conn) {
        // AWSCURRENT no longer logs in (e.g. someone restored an older password): AWS tries AWSPREVIOUS,
        // with the current secret's TLS setting.
        const previous = await secret(arn, PREVIOUS).catch(() => undefined);
        if (previous) {
          if (previous.username !== pending.username) throw new Error(`Attempting to modify user ${pending.username} other than previous valid user ${previous.username}`);
          sameTarget(previous, pending, 'previous');
          conn = await login({ ...previous, ssl: current.ssl });
          oldPassword = previous.password;
        }
      }
      if (!conn) throw new Error(`Unable to log into database with previous, current, or pending secret of secret arn ${arn}`);
      try {
        await dialect.setOwnPassword(conn, pending.username, pending.password, oldPassword);
      } finally {
        await conn.close();
      }
    }

    async function setMulti(current: DbSecret, pending: DbSecret): Promise<void> {
      if (dialect.alternateUsername(current.username) !== pending.username) {
        throw new Error(`Attempting to modify user ${pending.username} other than current user or clone ${current.username}`);
      }
      sameTarget(current, pending, 'current');
      // The current credentials must work before the master acts for them (AWS's confused-deputy check).
      if (!(await loginWorks(current))) throw new Error(`Unable to log into database using current credentials for secret ${arn}`);
      if (typeof current.masterarn !== 'string' || current.masterarn === '') throw new Error('masterarn key is missing from secret JSON');
      const master = await secret(current.masterarn, CURRENT, undefined, true);
      if (current.dbname !== undefined) master.dbname = current.dbname;
      if (master.host !== current.host) throw new Error(`Current database host ${current.host} is not the same host as master ${master.host}`);
      const conn = await login(master);
      if (!conn) throw new Error(`Unable to log into database using credentials in master secret ${current.masterarn}`);
      try {
        await dialect.setClonePassword(conn, current.username, pending.username, pending.password);
      } finally {
        await conn.close();
      }
    }
  }
}
