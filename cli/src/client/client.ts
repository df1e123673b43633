// Builds the official SDK client from the global options: the endpoint, the region chain (flag, AWS_REGION,
// AWS_DEFAULT_REGION, the profile's region, else us-east-1) and the SDK's default credential chain with --profile.
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { loadSdk } from './sdk.ts';
import { resolveEndpoint } from '../args/global-options.ts';

export interface ClientTarget {
  endpointUrl?: string;
  region?: string;
  profile?: string;
}

export interface ResolvedClient {
  client: SecretsManagerClient;
  endpoint: string;
  region: string;
}

/** `config`: settings of the SDK client beyond endpoint, region and profile (the agent's retries and timeouts). */
export async function createClient(target: ClientTarget, endpointFlag = '--endpoint-url', config: SecretsManagerClientConfig = {}): Promise<ResolvedClient> {
  const endpoint = resolveEndpoint(target.endpointUrl, endpointFlag);
  const region = target.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (await profileRegion(target.profile)) ?? 'us-east-1';
  const { SecretsManagerClient } = loadSdk();
  const client = quietly(() => new SecretsManagerClient({ ...config, endpoint, region, ...(target.profile ? { profile: target.profile } : {}) }));
  return { client, endpoint, region };
}

/** The region the SDK finds in the shared config file for the profile, if any. */
async function profileRegion(profile: string | undefined): Promise<string | undefined> {
  const { SecretsManagerClient } = loadSdk();
  const probe = quietly(() => new SecretsManagerClient(profile ? { profile } : {}));
  try {
    const region = await probe.config.region();
    return region || undefined;
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

const QUIET = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Builds a client without the SDK's Node-version notice, which would otherwise end up on every command's stderr.
 * The variable is restored so that `coffer run` children inherit the environment as it was.
 */
function quietly<T>(build: () => T): T {
  const before = process.env[QUIET];
  process.env[QUIET] = 'true';
  try {
    return build();
  } finally {
    if (before === undefined) delete process.env[QUIET];
    else process.env[QUIET] = before;
  }
}
