// Turns what the SDK throws into the CLI's errors: modelled and unmodelled service errors keep their code and
// message; network failures name the endpoint; credential and profile problems say what is missing.
import { CliError, ServiceError } from '../errors.ts';
import { profileExists } from './profiles.ts';

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  Code?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'TimeoutError']);

export function classifySdkError(err: unknown, operation: string, endpoint: string, profile: string | undefined): Error {
  const e = (err ?? {}) as SdkErrorLike;
  if (e.$fault && e.$metadata?.httpStatusCode) {
    return new ServiceError(e.Code ?? e.name ?? 'Unknown', operation, e.message ?? '');
  }
  if ((e.code && NETWORK_CODES.has(e.code)) || (e.name && NETWORK_CODES.has(e.name)) || /ECONNREFUSED|socket hang up/.test(e.message ?? '')) {
    return new CliError(`Could not connect to the endpoint URL: "${endpointUrlForMessage(endpoint)}"`);
  }
  if (e.name === 'CredentialsProviderError' || /credential/i.test(e.message ?? '')) {
    if (profile && !profileExists(profile)) return new CliError(`The config profile (${profile}) could not be found`);
    return new CliError('Unable to locate credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use --profile ' +
      '(a Coffer server writes the profile `coffer` to DATA_DIR/credentials: point AWS_SHARED_CREDENTIALS_FILE at it).');
  }
  return new CliError(e.message ?? String(err));
}

/** The aws CLI prints the endpoint with a trailing slash: "http://127.0.0.1:1/". */
function endpointUrlForMessage(endpoint: string): string {
  try {
    return new URL(endpoint).toString();
  } catch {
    return endpoint;
  }
}
