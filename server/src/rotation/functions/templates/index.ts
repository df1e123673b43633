// The built-in rotation templates, by the names the product spec (and AWS's serverless repository) uses:
// one skeleton (rotation-template.ts) over one dialect per database, SingleUser and MultiUser each; and, by
// the same names, each template's drift check and rollback (credential-checks.ts); and the drift check and
// rollback for database secrets rotated by other functions, for every database by the value's engine.
import type { EngineLogger } from '../../engine.ts';
import type { FunctionScope, Invoke } from '../types.ts';
import { createCredentialChecks, type CredentialChecks } from './credential-checks.ts';
import type { Dialect } from './dialect.ts';
import { mariadb, mysqlServer } from './mysql.ts';
import { oracle } from './oracle.ts';
import { postgres } from './postgres.ts';
import { createRotationTemplate, type Strategy } from './rotation-template.ts';
import type { SecretsApi } from './secrets-api.ts';
import { sqlserver } from './sqlserver.ts';

export type TemplateFactory = (api: SecretsApi, logger: EngineLogger) => Invoke;

const DATABASES: Record<string, Dialect> = { PostgreSQL: postgres, MySQL: mysqlServer, MariaDB: mariadb, Oracle: oracle, SQLServer: sqlserver };

/** `make` for every database and strategy, by template name. */
function byTemplateName<T>(make: (dialect: Dialect, strategy: Strategy) => T): Record<string, T> {
  return Object.fromEntries(
    Object.entries(DATABASES).flatMap(([name, dialect]) => [
      [`SecretsManagerRDS${name}RotationSingleUser`, make(dialect, 'single')],
      [`SecretsManagerRDS${name}RotationMultiUser`, make(dialect, 'multi')],
    ]),
  );
}

export const TEMPLATES: Record<string, TemplateFactory> = byTemplateName(createRotationTemplate);

export const CREDENTIAL_CHECKS: Record<string, (api: SecretsApi, logger: EngineLogger) => CredentialChecks> = byTemplateName((dialect, strategy) => createCredentialChecks([dialect], strategy));

const FUNCTION_CREDENTIAL_CHECKS = createCredentialChecks(Object.values(DATABASES));

/** Each factory bound to the Secrets Manager API of the scope it is asked for. */
function forScope<T>(factories: Record<string, (api: SecretsApi, logger: EngineLogger) => T>, apiFor: (scope: FunctionScope) => SecretsApi, logger: EngineLogger) {
  return Object.fromEntries(Object.entries(factories).map(([name, factory]) => [name, (scope: FunctionScope) => factory(apiFor(scope), logger)]));
}

export function builtInTemplates(apiFor: (scope: FunctionScope) => SecretsApi, logger: EngineLogger): Record<string, (scope: FunctionScope) => Invoke> {
  return forScope(TEMPLATES, apiFor, logger);
}

export function builtInCredentialChecks(apiFor: (scope: FunctionScope) => SecretsApi, logger: EngineLogger): Record<string, (scope: FunctionScope) => CredentialChecks> {
  return forScope(CREDENTIAL_CHECKS, apiFor, logger);
}

/** The drift check and rollback of a secret rotated by an HTTP, command or Lambda-style function, for a scope. */
export function functionCredentialChecks(apiFor: (scope: FunctionScope) => SecretsApi, logger: EngineLogger): (scope: FunctionScope) => CredentialChecks {
  return (scope) => FUNCTION_CREDENTIAL_CHECKS(apiFor(scope), logger);
}
