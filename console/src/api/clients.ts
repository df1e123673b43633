// The SDK clients of a session: the official AWS SDK for JavaScript, pointed at the origin that served the
// console (the same Coffer server), SigV4-signed with the credentials the user signed in with. The console
// can therefore do exactly what those credentials' policies allow, and nothing more.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KMSClient } from '@aws-sdk/client-kms';
import { createAdminClient, type AdminClient } from './admin-client.ts';
import type { Session } from './session.ts';

export interface Clients {
  sm: SecretsManagerClient;
  kms: KMSClient;
  admin: AdminClient;
}

export function createClients(session: Pick<Session, 'accessKeyId' | 'secretAccessKey' | 'region'>, endpoint = window.location.origin): Clients {
  const credentials = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey };
  const common = { endpoint, region: session.region, credentials, maxAttempts: 1 };
  return {
    sm: new SecretsManagerClient(common),
    kms: new KMSClient(common),
    admin: createAdminClient({ endpoint, region: session.region, credentials }),
  };
}
