// What Coffer does with a database secret beyond AWS's four steps: the drift check (does AWSCURRENT still
// log in?) and the rollback (AWSCURRENT back to AWSPREVIOUS, with the database made to match: the same user
// gets its previous password set back, a previous other user must still log in). For a built-in template the
// dialect and strategy are the template's. For a secret rotated by another function (HTTP, command,
// Lambda-style) they come from the value, the dialect by its engine and the strategy by the versions' users:
// the function's own testSecret cannot serve, as AWS's read AWSPENDING with the rotation's token.
// Errors leave here scrubbed of every password seen, as the steps' do.
import type { EngineLogger } from '../../engine.ts';
import { describeError } from '../../scrub.ts';
import { dialectOf } from './db-secret.ts';
import type { Dialect } from './dialect.ts';
import type { Strategy } from './rotation-template.ts';
import type { SecretsApi } from './secrets-api.ts';
import { createTemplateSession, type TemplateSession } from './template-session.ts';

export interface DriftCheckResult {
  ok: boolean;
  /** why AWSCURRENT does not log in (the driver's message, scrubbed), or what logged in */
  message: string;
}

export interface RollbackResult {
  /** the version now labelled AWSCURRENT (it was AWSPREVIOUS) */
  currentVersionId: string;
  /** the version now labelled AWSPREVIOUS (it was AWSCURRENT) */
  previousVersionId: string;
}

export interface CredentialChecks {
  /** Throws UnsupportedCredential unless AWSCURRENT is a credential these checks can log in with (no login tried). */
  verifyCredential(secretArn: string): Promise<void>;
  checkCurrent(secretArn: string): Promise<DriftCheckResult>;
  restorePrevious(secretArn: string): Promise<RollbackResult>;
}

/** A rollback the database's state does not allow: nothing was changed. */
export class RollbackRefused extends Error {}

/** AWSCURRENT is not a credential Coffer can log in with: nothing was tried. */
export class UnsupportedCredential extends Error {}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

/**
 * The checks for secrets whose engine is one of `dialects`' (a template's: its one dialect). Without a
 * `strategy`, a rollback sets the password back when both versions name the same user, and otherwise switches
 * back to the previous user.
 */
export function createCredentialChecks(dialects: readonly Dialect[], strategy?: Strategy) {
  return (api: SecretsApi, logger: EngineLogger): CredentialChecks => {
    const what = (dialect: Dialect) => (strategy ? `${dialect.label} ${strategy}-user template` : `${dialect.label} credential checks`);

    /** The dialect of AWSCURRENT's value, or UnsupportedCredential saying why there is none. */
    async function dialectFor(arn: string): Promise<Dialect> {
      const value = (await api.getSecretValue({ SecretId: arn, VersionStage: CURRENT })).SecretString;
      try {
        return dialectOf(value, dialects);
      } catch (err) {
        throw new UnsupportedCredential(`Coffer cannot log in for this secret: its value is not a database credential of a supported engine (${(err as Error).message}).`);
      }
    }

    /** Runs `work` with a fresh session in AWSCURRENT's dialect; its errors come out scrubbed, a refusal still a refusal. */
    async function scrubbed<T>(arn: string, work: (session: TemplateSession, dialect: Dialect, info: (msg: string) => void) => Promise<T>): Promise<T> {
      const dialect = await dialectFor(arn);
      const info = (msg: string) => logger.info?.(`${what(dialect)}: ${msg}`, { secret: arn });
      const session = createTemplateSession(api, dialect, info);
      try {
        return await work(session, dialect, info);
      } catch (err) {
        const message = describeError(err, [...session.seen]);
        throw err instanceof RollbackRefused ? new RollbackRefused(message) : new Error(message);
      }
    }

    return {
      verifyCredential: async (arn) => void (await dialectFor(arn)),

      checkCurrent: (arn) =>
        scrubbed(arn, async (session) => {
          const current = await session.secret(arn, CURRENT);
          if (await session.loginWorks(current)) return { ok: true, message: `${CURRENT} logs in as ${current.username}` };
          return { ok: false, message: `${CURRENT} does not log in as ${current.username}: ${session.lastLoginError ?? 'login failed'}` };
        }),

      restorePrevious: (arn) =>
        scrubbed(arn, async ({ secret, login, loginWorks }, dialect, info) => {
          const versions = (await api.describeSecret({ SecretId: arn })).VersionIdsToStages ?? {};
          const idOf = (stage: string) => Object.keys(versions).find((id) => versions[id].includes(stage));
          const currentId = idOf(CURRENT);
          const previousId = idOf(PREVIOUS);
          if (!currentId || !previousId) throw new RollbackRefused(`The secret has no ${PREVIOUS} version to roll back to.`);
          const current = await secret(arn, CURRENT);
          const previous = await secret(arn, PREVIOUS);
          if (previous.host !== current.host) throw new RollbackRefused(`${PREVIOUS} is for host ${previous.host}, not ${current.host}: a rollback does not move a secret between hosts.`);
          const single = strategy ? strategy === 'single' : previous.username === current.username;
          if (single) {
            if (previous.username !== current.username) {
              throw new RollbackRefused(`${PREVIOUS} is user ${previous.username}, ${CURRENT} user ${current.username}: a single-user rollback sets one user's password back.`);
            }
            if (!(await loginWorks(previous))) {
              const conn = await login(current);
              if (!conn) {
                throw new RollbackRefused(`Neither ${PREVIOUS} nor ${CURRENT} logs in as ${current.username}: the previous password cannot be set back. Nothing was changed.`);
              }
              try {
                await dialect.setOwnPassword(conn, current.username, previous.password, current.password);
              } finally {
                await conn.close();
              }
              if (!(await loginWorks(previous))) throw new Error(`${PREVIOUS}'s password was set back for ${current.username} but does not log in`);
            }
          } else if (!(await loginWorks(previous))) {
            throw new RollbackRefused(`The ${PREVIOUS} credentials (user ${previous.username}) no longer log in: rolling back would hand out credentials that do not work. Nothing was changed.`);
          }
          await api.updateSecretVersionStage({ SecretId: arn, VersionStage: CURRENT, MoveToVersionId: previousId, RemoveFromVersionId: currentId });
          info(`rolled ${CURRENT} back to version ${previousId}`);
          return { currentVersionId: previousId, previousVersionId: currentId };
        }),
    };
  };
}
