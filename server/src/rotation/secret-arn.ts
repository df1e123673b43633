// The account and region of a secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>).
export function parseSecretArnScope(arn: string): { accountId: string; region: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[2] !== 'secretsmanager' || parts[5] !== 'secret') return undefined;
  return { region: parts[3], accountId: parts[4] };
}
