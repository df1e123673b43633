// BlockPublicPolicy: does a resource policy grant access to anyone? AWS runs an automated reasoner
// (Zelkova) for Secrets Manager; we apply the documented rule AWS states for its other resource policies
// (S3 / EFS "The meaning of public"): a policy is public unless each Allow to a wildcard principal is
// narrowed to fixed values (no wildcard, no policy variable) of one of these keys.
//
// An Allow statement is public when
//   - its Principal is "*" / {"AWS": "*"}, or it uses NotPrincipal (everyone but a list), and
//   - none of its conditions is a narrowing one: a positive String/Arn/IpAddress operator (optionally
//     ForAnyValue:, never IfExists or ForAllValues:, which both hold when the key is absent) on a key of
//     NARROWING_CONDITION_KEYS with fixed values; an IP block must be /8 or narrower (IPv4) or /32 or
//     narrower (IPv6) — our threshold, so that 0.0.0.0/1 does not count as a restriction; and
//   - no Deny statement to "*" takes it back: a Deny covering its actions and resources whose conditions
//     are all negated narrowing ones (the "Deny unless aws:PrincipalOrgID = o-..." pattern).
import { parseCidr } from './ip-address.ts';
import { NO_CONTEXT } from './pattern.ts';
import type { CompiledCondition, CompiledPolicy, CompiledStatement } from './types.ts';

export const NARROWING_CONDITION_KEYS: readonly string[] = [
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOwner',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceIp',
  'aws:SourceVpc',
  'aws:SourceVpce',
  'aws:userid',
];
const NARROWING = new Set(NARROWING_CONDITION_KEYS.map((k) => k.toLowerCase()));

export interface PublicAccessFinding {
  readonly statementIndex: number;
  readonly sid?: string;
  readonly message: string;
}

function fixedValues(c: CompiledCondition): boolean {
  return c.values.every((v) => {
    if (v.includes('${')) return false;
    if (c.family === 'IpAddress') {
      const block = parseCidr(v);
      return block !== undefined && block.prefix >= (block.version === 4 ? 8 : 32);
    }
    return !v.includes('*') && !v.includes('?');
  });
}

function isNarrowing(c: CompiledCondition, negated: boolean): boolean {
  if (c.negated !== negated || c.ifExists || !NARROWING.has(c.lowerKey)) return false;
  if (c.family !== 'String' && c.family !== 'Arn' && c.family !== 'IpAddress') return false;
  if (negated ? c.qualifier !== undefined : c.qualifier === 'ForAllValues') return false;
  return fixedValues(c);
}

function toEveryone(s: CompiledStatement): boolean {
  return s.principal !== undefined && (s.notPrincipal || s.principal.any);
}

/** Does `deny` match every action and resource `allow` can match? Conservative: when unsure, no. */
function covers(deny: CompiledStatement, allow: CompiledStatement): boolean {
  if (deny.notAction || deny.notResource) return false;
  const actionsCovered = allow.notAction
    ? deny.actions.includes('*')
    : allow.actions.every((a) => deny.actionMatchers.some((m) => m(a.toLowerCase())));
  const resourcesCovered = allow.notResource
    ? deny.resources.includes('*')
    : allow.resources.every((r) => deny.resourceMatchers.some((p) => !p.hasVariable && p.test(r, NO_CONTEXT)));
  return actionsCovered && resourcesCovered;
}

function takenBack(allow: CompiledStatement, policy: CompiledPolicy): boolean {
  return policy.denies.some(
    (d) =>
      d.principal !== undefined &&
      !d.notPrincipal &&
      d.principal.any &&
      d.conditions.length > 0 &&
      d.conditions.every((c) => isNarrowing(c, true)) &&
      covers(d, allow),
  );
}

export function publicAccessFindings(policy: CompiledPolicy): PublicAccessFinding[] {
  if (policy.kind !== 'resource') return [];
  const findings: PublicAccessFinding[] = [];
  for (const s of policy.allows) {
    if (!toEveryone(s)) continue;
    if (s.conditions.some((c) => isNarrowing(c, false))) continue;
    if (takenBack(s, policy)) continue;
    const where = `Statement[${s.index}]${s.sid ? ` (Sid '${s.sid}')` : ''}`;
    const who = s.notPrincipal ? 'every principal not listed in NotPrincipal' : 'any principal ("*")';
    const what = s.notAction ? `every action except ${s.actions.join(', ')}` : s.actions.join(', ');
    findings.push({
      statementIndex: s.index,
      sid: s.sid,
      message:
        `${where} allows ${what} to ${who} without a condition that limits it to known accounts, organizations, ` +
        `networks or source resources (e.g. StringEquals on aws:PrincipalAccount or aws:PrincipalOrgID, IpAddress on aws:SourceIp)`,
    });
  }
  return findings;
}

/** BlockPublicPolicy's test: true when the policy gives access to principals outside any fixed set. */
export function grantsPublicAccess(policy: CompiledPolicy): boolean {
  return publicAccessFindings(policy).length > 0;
}
