// Which secrets each KMS key protects. ListSecrets has no filter by key and names a secret's key as it was given
// (key id, key ARN, alias name or alias ARN, or nothing for aws/secretsmanager), so the console lists every
// secret and resolves each reference to a key id through the aliases. The Keys page counts with it; the
// secret list filtered by a key uses the same code, so the count and the list agree.
import { ListAliasesCommand, type AliasListEntry } from '@aws-sdk/client-kms';
import { ListSecretsCommand, type ListSecretsRequest, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';

export const DEFAULT_KEY_ALIAS = 'alias/aws/secretsmanager';

export async function listAllSecrets(clients: Clients, request: Omit<ListSecretsRequest, 'NextToken' | 'MaxResults'> = {}): Promise<SecretListEntry[]> {
  const all: SecretListEntry[] = [];
  let NextToken: string | undefined;
  do {
    const r = await clients.sm.send(new ListSecretsCommand({ ...request, MaxResults: 100, NextToken }));
    all.push(...(r.SecretList ?? []));
    NextToken = r.NextToken;
  } while (NextToken);
  return all;
}

export async function listAllAliases(clients: Clients): Promise<AliasListEntry[]> {
  const all: AliasListEntry[] = [];
  let Marker: string | undefined;
  do {
    const r = await clients.kms.send(new ListAliasesCommand({ Limit: 100, Marker }));
    all.push(...(r.Aliases ?? []));
    Marker = r.Truncated ? r.NextMarker : undefined;
  } while (Marker);
  return all;
}

/** The key a secret names by id, ARN, alias name or alias ARN (none: aws/secretsmanager), as a key id. */
export function keyIdOf(ref: string | undefined, aliases: AliasListEntry[]): string {
  const r = ref || DEFAULT_KEY_ALIAS;
  const alias = aliases.find((a) => a.AliasName === r || a.AliasArn === r);
  if (alias) return alias.TargetKeyId ?? r;
  return r.replace(/^arn:[^:]+:kms:[^:]*:\d*:key\//, '');
}

/** The secrets (scheduled for deletion too, unless the request says otherwise) encrypted under `keyId`. */
export async function secretsUnderKey(clients: Clients, keyId: string, request: Omit<ListSecretsRequest, 'NextToken' | 'MaxResults'> = {}): Promise<SecretListEntry[]> {
  const [secrets, aliases] = await Promise.all([listAllSecrets(clients, { IncludePlannedDeletion: true, ...request }), listAllAliases(clients)]);
  return secrets.filter((s) => keyIdOf(s.KmsKeyId, aliases) === keyId);
}
