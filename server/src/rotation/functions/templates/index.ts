// The built-in rotation templates, by the names the product spec (and AWS's serverless repository) uses:
// one skeleton (rotation-template.ts) over one dialect per database, SingleUser and MultiUser each.
import type { EngineLogger } from '../../engine.ts';
import type { FunctionScope, Invoke } from '../types.ts';
import type { Dialect } from './dialect.ts';
import { mariadb, mysqlServer } from './mysql.ts';
import { oracle } from './oracle.ts';
import { postgres } from './postgres.ts';
import { createRotationTemplate } from './rotation-template.ts';
import type { SecretsApi } from './secrets-api.ts';
import { sqlserver } from './sqlserver.ts';

export type TemplateFactory = (api: SecretsApi, logger: EngineLogger) => Invoke;

const DATABASES: Record<string, Dialect> = { PostgreSQL: postgres, MySQL: mysqlServer, MariaDB: mariadb, Oracle: oracle, SQLServer: sqlserver };

export const TEMPLATES: Record<string, TemplateFactory> = Object.fromEntries(
  Object.entries(DATABASES).flatMap(([name, dialect]) => [
    [`SecretsManagerRDS${name}RotationSingleUser`, createRotationTemplate(dialect, 'single')],
    [`SecretsManagerRDS${name}RotationMultiUser`, createRotationTemplate(dialect, 'multi')],
  ]),
);

export function builtInTemplates(apiFor: (scope: FunctionScope) => SecretsApi, logger: EngineLogger): Record<string, (scope: FunctionScope) => Invoke> {
  return Object.fromEntries(Object.entries(TEMPLATES).map(([name, factory]) => [name, (scope: FunctionScope) => factory(apiFor(scope), logger)]));
}
