// Key policies as KMS keeps them: one policy per key, named "default", stored with the key row (null: the
// policy AWS writes when CreateKey is given none), validated when written, compiled once per policy text.
//
// The default texts are AWS's, in the layout GetKeyPolicy shows them: the default key policy ("Enable IAM
// User Permissions": the account root may do everything, so the account's identity policies decide) and
// the policy of the AWS managed key aws/secretsmanager (any principal of the account through Secrets
// Manager only; the account may describe, get and list the key). AWS repeats the first Sid of the managed
// policy on its second statement; Coffer's policies need unique Sids, so the second says "(data keys)".
import { formatPolicyErrors, parsePolicy, type CompiledPolicy } from '../../iam/index.ts';
import type { KmsKeyTable } from '../../store/schema.ts';
import { kmsErrors } from './kms-errors.ts';

export const KEY_POLICY_NAME = 'default';
/** AWS KMS: "The key policy size quota is 32 kilobytes (32768 bytes)". */
export const KEY_POLICY_MAX_BYTES = 32_768;

/** What the policy of a key depends on. */
export type KeyPolicyRow = Pick<KmsKeyTable, 'arn' | 'account_id' | 'region' | 'key_manager' | 'policy'>;

export function defaultKeyPolicy(accountId: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${accountId}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}

export function managedKeyPolicy(accountId: string, region: string): string {
  const sid = 'Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager';
  return `{
  "Version" : "2012-10-17",
  "Id" : "auto-secretsmanager-2",
  "Statement" : [ {
    "Sid" : "${sid}",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "${accountId}",
        "kms:ViaService" : "secretsmanager.${region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "${sid} (data keys)",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : "kms:GenerateDataKey*",
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "${accountId}"
      },
      "StringLike" : {
        "kms:ViaService" : "secretsmanager.${region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${accountId}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
}`;
}

/** The key's policy text, as GetKeyPolicy returns it. */
export function keyPolicyText(row: KeyPolicyRow): string {
  if (row.policy !== null) return row.policy;
  return row.key_manager === 'AWS' ? managedKeyPolicy(row.account_id, row.region) : defaultKeyPolicy(row.account_id);
}

/** A customer managed key still under AWS's default key policy (the account root may do everything). */
export function hasDefaultPolicy(row: KeyPolicyRow): boolean {
  return row.policy === null && row.key_manager !== 'AWS';
}

/** Validates a policy given to CreateKey or PutKeyPolicy: MalformedPolicyDocumentException unless it compiles. */
export function parseKeyPolicy(text: string): CompiledPolicy {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > KEY_POLICY_MAX_BYTES) {
    throw kmsErrors.malformedPolicy(`The key policy is ${bytes} bytes; a key policy can have at most ${KEY_POLICY_MAX_BYTES} bytes.`);
  }
  const result = parsePolicy(text, { kind: 'resource', name: KEY_POLICY_NAME });
  if (!result.ok) throw kmsErrors.malformedPolicy(formatPolicyErrors(result.errors));
  return result.policy;
}

/** The policy name of GetKeyPolicy / PutKeyPolicy: absent or "default". */
export function requirePolicyName(name: string | undefined): void {
  if (name === undefined || name === KEY_POLICY_NAME) return;
  throw kmsErrors.notFound(`No such policy exists: ${name}. The only key policy name is ${KEY_POLICY_NAME}.`);
}

/**
 * Compiled key policies, one per key, kept while its policy column stays the same: a lookup by ARN, with no
 * policy text built or hashed per request (the default texts are built only to compile them).
 */
export function createKeyPolicyCache() {
  const compiled = new Map<string, { policy: string | null; compiled: CompiledPolicy }>();
  return function policyOf(row: KeyPolicyRow): CompiledPolicy {
    const hit = compiled.get(row.arn);
    if (hit && hit.policy === row.policy) return hit.compiled;
    const result = parsePolicy(keyPolicyText(row), { kind: 'resource', name: KEY_POLICY_NAME });
    // Policies are validated when they are written; one that no longer compiles fails closed, loudly.
    if (!result.ok) throw new Error(`the key policy of ${row.arn} does not compile`);
    if (compiled.size >= 10_000) compiled.clear();
    compiled.set(row.arn, { policy: row.policy, compiled: result.policy });
    return result.policy;
  };
}
