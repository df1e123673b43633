// What Coffer does with a built-in template's database beyond AWS's four steps: the drift check (does
// AWSCURRENT still log in?) and the rollback (AWSCURRENT back to AWSPREVIOUS, with the database made to
// match: SingleUser sets the user's previous password back, MultiUser checks that the previous user still
// logs in). Errors leave here scrubbed of every password seen, as the steps' do.
import type { EngineLogger } from '../../engine.ts';
import { describeError } from '../../scrub.ts';
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
  checkCurrent(secretArn: string): Promise<DriftCheckResult>;
  restorePrevious(secretArn: string): Promise<RollbackResult>;
}

/** A rollback the database's state does not allow: nothing was changed. */
export class RollbackRefused extends Error {}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

export function createCredentialChecks(dialect: Dialect, strategy: Strategy) {
  return (api: SecretsApi, logger: EngineLogger): CredentialChecks => {
    const info = (arn: string) => (msg: string) => logger.info?.(`${dialect.label} ${strategy}-user template: ${msg}`, { secret: arn });

    /** Runs `work` with a fresh session; its errors come out scrubbed, a refusal still a refusal. */
    async function scrubbed<T>(arn: string, work: (session: TemplateSession) => Promise<T>): Promise<T> {
      const session = createTemplateSession(api, dialect, info(arn));
      try {
        return await work(session);
      } catch (err) {
        const message = describeError(err, [...session.seen]);
        throw err instanceof RollbackRefused ? new RollbackRefused(message) : new Error(message);
      }
    }

    return {
      checkCurrent: (arn) =>
        scrubbed(arn, async (session) => {
          const current = await session.secret(arn, CURRENT);
          if (await session.loginWorks(current)) return { ok: true, message: `${CURRENT} logs in as ${current.username}` };
          return { ok: false, message: `${CURRENT} does not log in as ${current.username}: ${session.lastLoginError ?? 'login failed'}` };
        }),

      restorePrevious: (arn) =>
        scrubbed(arn, async ({ secret, login, loginWorks }) => {
          const versions = (await api.describeSecret({ SecretId: arn })).VersionIdsToStages ?? {};
          const idOf = (stage: string) => Object.keys(versions).find((id) => versions[id].includes(stage));
          const currentId = idOf(CURRENT);
          const previousId = idOf(PREVIOUS);
          if (!currentId || !previousId) throw new RollbackRefused(`The secret has no ${PREVIOUS} version to roll back to.`);
          const current = await secret(arn, CURRENT);
          const previous = await secret(arn, PREVIOUS);
          if (previous.host !== current.host) throw new RollbackRefused(`${PREVIOUS} is for host ${previous.host}, not ${current.host}: a rollback does not move a secret between hosts.`);
          if (strategy === 'single') {
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
          info(arn)(`rolled ${CURRENT} back to version ${previousId}`);
          return { currentVersionId: previousId, previousVersionId: currentId };
        }),
    };
  };
}
