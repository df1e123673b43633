#!/usr/bin/env node
// Entry of the `coffer` command: runs the compiled CLI, dist/main.js (esbuild's bundle of src/, with the server
// in a chunk that only `coffer server` loads; see scripts/build-cli.mjs). The same file is the bin of the
// installed package, where dist/ was built before packing. In a development checkout (src/ beside it and the
// repository's scripts/ above) it first rebuilds dist/ when a source changed, so an edit shows on the next run.
import { existsSync } from 'node:fs';

const builder = new URL('../../scripts/build-cli.mjs', import.meta.url);
if (existsSync(new URL('../src/main.ts', import.meta.url)) && existsSync(builder)) {
  const { ensureCliBuilt } = await import(builder.href);
  try {
    await ensureCliBuilt();
  } catch (err) {
    console.error(`coffer: cannot build the coffer command: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

const compiled = new URL('../dist/main.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error(`coffer: the compiled command is missing (${compiled.pathname}): run \`npm run build\` in the repository`);
  process.exit(1);
}
const { main } = await import(compiled.href);
await main(process.argv.slice(2));
