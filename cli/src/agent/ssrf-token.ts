// The SSRF token every request must carry, as AWS's agent finds it: the first of the configured environment
// variables that is set (AWS_TOKEN by default); a value `file://PATH` means the token is that file's contents
// (trimmed). No token is a start-up error: the agent never serves without one.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';

export function readSsrfToken(variables: string[], env: NodeJS.ProcessEnv = process.env): string {
  const name = variables.find((v) => env[v] !== undefined);
  if (name === undefined) throw new UsageError(`no SSRF token: set one of ${variables.join(', ')} (a value, or file://PATH of a file holding it)`);
  const value = env[name]!;
  if (value === '') throw new UsageError(`the SSRF token in ${name} is empty`);
  if (!value.startsWith('file://')) return value;
  const path = value.slice('file://'.length);
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`cannot read the SSRF token file named by ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (token === '') throw new UsageError(`the SSRF token file named by ${name} is empty`);
  return token;
}
