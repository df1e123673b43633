// Where the CLI's package and the service models are, found from this module's location, which is cli/src in
// a checkout run through tsx (tests), cli/dist after the build, and dist/ of the installed package.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest ancestor of this module holding `entry` (a file or directory path relative to it). */
function nearestAncestorWith(entry: string, accept: (path: string) => boolean = () => true): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const path = join(dir, entry);
    if (existsSync(path) && accept(path)) return path;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${entry} of the coffer command`);
    dir = parent;
  }
}

/** The package.json of the package whose bin is `coffer`: cli/ in a checkout, the installed package's own. */
export function cliPackageJson(): string {
  return nearestAncestorWith('package.json', (path) => (JSON.parse(readFileSync(path, 'utf8')) as { bin?: Record<string, string> }).bin?.coffer !== undefined);
}

/** models/: at the repository's root in a checkout, at the installed package's root. */
export function modelsDir(): string {
  return dirname(nearestAncestorWith(join('models', 'secretsmanager-2017-10-17.json')));
}
