// The built-in rotation templates, by the names the product spec (and AWS's serverless repository) uses.
import type { EngineLogger } from '../../engine.ts';
import type { FunctionScope, Invoke } from '../types.ts';
import type { SecretsApi } from './secrets-api.ts';

export type TemplateFactory = (api: SecretsApi, logger: EngineLogger) => Invoke;

export const TEMPLATES: Record<string, TemplateFactory> = {};

export function builtInTemplates(apiFor: (scope: FunctionScope) => SecretsApi, logger: EngineLogger): Record<string, (scope: FunctionScope) => Invoke> {
  return Object.fromEntries(Object.entries(TEMPLATES).map(([name, factory]) => [name, (scope: FunctionScope) => factory(apiFor(scope), logger)]));
}
