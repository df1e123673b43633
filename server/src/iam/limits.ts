// Size and naming rules for policies. Checking them is the caller's job (the protocol layer already
// enforces the model's lengths); the engine only states them so that every caller uses the same numbers.

export const POLICY_LIMITS = {
  /** Secrets Manager: ResourcePolicy is NonEmptyResourcePolicyType, 1..20480 characters (the model). */
  resourcePolicyMaxChars: 20_480,
  /**
   * IAM quota: all inline policies of one user together, at most 2,048 characters. IAM does not count
   * white space toward this quota (use iamPolicySize()).
   */
  userInlinePoliciesMaxChars: 2_048,
  /** IAM quota for one managed policy (white space not counted). */
  managedPolicyMaxChars: 6_144,
  /** IAM PolicyName: 1..128 characters of [\w+=,.@-]. */
  policyNameMaxLength: 128,
} as const;

export const POLICY_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;

/** The size IAM counts against its policy quotas: characters other than white space. */
export function iamPolicySize(text: string): number {
  let n = 0;
  for (const ch of text) if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') n++;
  return n;
}

export function isValidPolicyName(name: string): boolean {
  return POLICY_NAME_PATTERN.test(name);
}
