// Whether a named profile exists in the shared credentials or config file (where the SDK looks for it), so a
// credentials failure can say "The config profile (x) could not be found" as the aws CLI does.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function profileExists(name: string): boolean {
  const credentials = process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
  const config = process.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  return sections(credentials).has(name) || sections(config).has(`profile ${name}`) || (name === 'default' && sections(config).has('default'));
}

function sections(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return new Set();
  }
  return new Set([...text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*$/gm)].map((m) => m[1].replace(/\s+/g, ' ')));
}
