// The Secrets Manager service: one object whose methods are the operations, composed from the parts
// that hold the rules (writes, reads, listing, lifecycle). Methods take the caller's scope and the
// decoded AWS request and return the AWS response shape.
import type { GetRandomPasswordRequest, GetRandomPasswordResponse } from '@aws-sdk/client-secrets-manager';
import { generateRandomPassword } from './random-password.ts';
import type { SecretServiceDeps } from './secret-context.ts';
import { createSecretLifecycle } from './secret-lifecycle.ts';
import { createSecretListing } from './secret-listing.ts';
import { createSecretReads } from './secret-reads.ts';
import { createSecretWrites } from './secret-writes.ts';
import type { Scope } from './secret-store.ts';
import type { BatchGetSecretValueRequest } from '@aws-sdk/client-secrets-manager';

export type SecretService = ReturnType<typeof createSecretService>;

export function createSecretService(deps: SecretServiceDeps) {
  const writes = createSecretWrites(deps);
  const reads = createSecretReads(deps);
  const listing = createSecretListing(deps);
  const lifecycle = createSecretLifecycle(deps);

  return {
    ...writes,
    getSecretValue: reads.getSecretValue,
    describeSecret: reads.describeSecret,
    listSecretVersionIds: reads.listSecretVersionIds,
    batchGetSecretValue: (scope: Scope, input: BatchGetSecretValueRequest) => reads.batchGetSecretValue(scope, input, listing.listArns),
    listSecrets: listing.listSecrets,
    deleteSecret: lifecycle.deleteSecret,
    restoreSecret: lifecycle.restoreSecret,
    tagResource: lifecycle.tagResource,
    untagResource: lifecycle.untagResource,
    purgeExpired: lifecycle.purgeExpired,
    async getRandomPassword(_scope: Scope, input: GetRandomPasswordRequest): Promise<GetRandomPasswordResponse> {
      const options = {
        passwordLength: input.PasswordLength,
        excludeCharacters: input.ExcludeCharacters,
        excludeNumbers: input.ExcludeNumbers,
        excludePunctuation: input.ExcludePunctuation,
        excludeUppercase: input.ExcludeUppercase,
        excludeLowercase: input.ExcludeLowercase,
        includeSpace: input.IncludeSpace,
        requireEachIncludedType: input.RequireEachIncludedType,
      };
      return { RandomPassword: generateRandomPassword(options, deps.randomInt) };
    },
  };
}
