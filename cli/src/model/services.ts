// The services the generic verb builder (commands/operation.ts) serves, each described once: its model, the
// operations offered as verbs, their paginators and examples, and how calls reach it: Secrets Manager through
// the official SDK client, Coffer's admin API as AWS JSON 1.1 signed by the CLI (client/json-caller.ts).
import { EXAMPLES, OPERATIONS, PAGINATORS, type PaginatorConfig } from './operations.ts';
import { ADMIN_EXAMPLES, ADMIN_OPERATIONS, ADMIN_PAGINATORS, ADMIN_VERB_NAMES } from './admin-operations.ts';

/** AWS JSON 1.1 over SigV4: `X-Amz-Target: <targetPrefix>.<Operation>`, signed for `signingName`. */
export interface JsonProtocol {
  targetPrefix: string;
  signingName: string;
}

export interface ServiceDescriptor {
  /** A file in models/. */
  modelFile: string;
  operations: readonly string[];
  paginators: Readonly<Record<string, PaginatorConfig | undefined>>;
  /** One example per operation, shown by `coffer help`. */
  examples: Readonly<Record<string, string>>;
  /** Verb names that are not the operation's kebab-case name. */
  verbNames?: Readonly<Record<string, string>>;
  /** Absent: the Secrets Manager SDK client. */
  json?: JsonProtocol;
}

export const SECRETS_MANAGER: ServiceDescriptor = {
  modelFile: 'secretsmanager-2017-10-17.json',
  operations: OPERATIONS,
  paginators: PAGINATORS,
  examples: EXAMPLES,
};

export const COFFER_ADMIN: ServiceDescriptor = {
  modelFile: 'coffer-admin.json',
  operations: ADMIN_OPERATIONS,
  paginators: ADMIN_PAGINATORS,
  examples: ADMIN_EXAMPLES,
  verbNames: ADMIN_VERB_NAMES,
  json: { targetPrefix: 'CofferAdmin', signingName: 'coffer' },
};
