// AWS member and operation names -> aws CLI names, with botocore's xform_name rules
// (CreateSecret -> create-secret, KmsKeyId -> kms-key-id, SecretIdList -> secret-id-list).

const FIRST_CAP = /(.)([A-Z][a-z]+)/g;
const END_CAP = /([a-z0-9])([A-Z])/g;

export function kebabName(name: string): string {
  return name.replace(FIRST_CAP, '$1-$2').replace(END_CAP, '$1-$2').toLowerCase();
}

/** The camelCase key commander gives an option: `--kms-key-id` -> `kmsKeyId`. */
export function optionKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
