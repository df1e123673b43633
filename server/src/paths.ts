// The repository's directories the server reads at run time (the service models, the console's build, the
// bootstraps of Lambda-style rotation functions), found
// from this module's location whether it runs from server/src through tsx (tests) or compiled into the
// `coffer` command (cli/dist in a checkout, dist/ of the installed package, which holds models/, console/dist and runtimes/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The nearest ancestor directory holding models/ with the Secrets Manager model. */
export function repoDir(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'models', 'secretsmanager-2017-10-17.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the directory holding models/ (the Coffer repository)');
    dir = parent;
  }
  root = dir;
  return dir;
}

/** The web console's production build: console/dist beside server/ (npm workspaces keep them side by side). */
export function consoleDistDir(): string {
  return join(repoDir(), 'console', 'dist');
}

/** The bootstraps that run Lambda-style rotation handlers (bootstrap.py, bootstrap.mjs). */
export function lambdaRuntimeDir(): string {
  return join(repoDir(), 'runtimes', 'lambda');
}
