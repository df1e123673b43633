// The SDK, loaded on first use through require(): its CommonJS build is a few bundled files, while importing
// its ES modules sends each of hundreds of files through the TypeScript loader's hooks (~0.15 s a command).
// Commands that fail on usage, --version and help never load it.
import { createRequire } from 'node:module';

export type Sdk = typeof import('@aws-sdk/client-secrets-manager');

/** require() caches the module, so calling this again costs a lookup. */
export function loadSdk(): Sdk {
  return createRequire(import.meta.url)('@aws-sdk/client-secrets-manager') as Sdk;
}
