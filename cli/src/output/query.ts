// --query: JMESPath through a maintained implementation (@jmespath-community/jmespath). A query that does not
// compile is a usage error, found before anything is sent.
import { createRequire } from 'node:module';
import { UsageError } from '../errors.ts';
import { quoteLegacyLiterals } from './legacy-literals.ts';

export interface Query {
  search(data: unknown): unknown;
}

type Jmespath = typeof import('@jmespath-community/jmespath');

export function compileQuery(expression: string): Query {
  const { compile, TreeInterpreter } = createRequire(import.meta.url)('@jmespath-community/jmespath') as Jmespath;
  let ast: ReturnType<Jmespath['compile']>;
  try {
    ast = compile(quoteLegacyLiterals(expression));
  } catch (err) {
    throw new UsageError(`Bad value for --query: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    search(data) {
      return TreeInterpreter.search(ast, data as Parameters<Jmespath['TreeInterpreter']['search']>[1]);
    },
  };
}
