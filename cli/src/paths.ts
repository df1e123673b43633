// Where the CLI's package and the service models are, found from this module's location whether it runs from
// cli/src through tsx or from the bundle bin/coffer.js builds under cli/node_modules/.cache (see there).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The cli/ directory: the nearest ancestor holding the package.json of @coffer/cli. */
export function cliRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@coffer/cli') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the @coffer/cli package directory');
    dir = parent;
  }
}

export function cliPackageJson(): string {
  return join(cliRoot(), 'package.json');
}

export function modelsDir(): string {
  return join(cliRoot(), '..', 'models');
}
