// One Statement: validated element by element, then compiled into matchers. Rules (IAM JSON policy
// elements reference, and the errors IAM answers for them):
// - Effect is exactly "Allow" or "Deny".
// - Exactly one of Action / NotAction and one of Resource / NotResource.
// - Identity policies carry no Principal ("Policy document should not specify a principal"); resource
//   policies carry exactly one of Principal / NotPrincipal.
// - An action is "*" or "service:Name" where Name may use * and ? ("Actions must be prefaced by a vendor").
// - A resource is "*" or a six-component ARN ("Resource must be in ARN format or *").
// - Identity-policy Sids are alphanumeric (IAM's rule); resource-policy Sids are any string.
import { compileArnPattern, isArnLike } from './arn-pattern.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json-reader.ts';
import { compileConditions } from './parse-condition.ts';
import { compilePrincipal } from './parse-principal.ts';
import { staticPattern } from './pattern.ts';
import type { CompiledStatement, PolicyError, PolicyKind, PolicyVersion, Pattern } from './types.ts';

const ELEMENTS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;

function stringList(value: JsonValue, path: string, what: string, errors: PolicyError[]): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    errors.push({ path, message: `${path} must list at least one ${what}, got an empty list` });
    return undefined;
  }
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const at = Array.isArray(value) ? `${path}[${i}]` : path;
    if (typeof v !== 'string' || v.length === 0) {
      errors.push({ path: at, message: `${at} must be a non-empty string (${what}), got ${JSON.stringify(v)}` });
      return undefined;
    }
    out.push(v);
  }
  return out;
}

function pick(stmt: JsonObject, positive: string, negative: string, path: string, errors: PolicyError[], required: boolean) {
  const hasPos = positive in stmt;
  const hasNeg = negative in stmt;
  if (hasPos && hasNeg) {
    errors.push({ path, message: `${path} has both ${positive} and ${negative}; use one of them` });
    return null; // reported: the caller must not also report it missing
  }
  if (!hasPos && !hasNeg) {
    const article = /^[AEIOU]/.test(positive) ? 'an' : 'a';
    if (required) errors.push({ path, message: `${path} must have ${article} ${positive} or a ${negative}` });
    return undefined;
  }
  return hasPos ? { name: positive, negated: false, value: stmt[positive] } : { name: negative, negated: true, value: stmt[negative] };
}

export interface StatementOptions {
  kind: PolicyKind;
  version: PolicyVersion;
}

export function compileStatement(
  raw: JsonValue,
  index: number,
  path: string,
  opts: StatementOptions,
  errors: PolicyError[],
): CompiledStatement | undefined {
  if (!isJsonObject(raw)) {
    errors.push({ path, message: `${path} must be an object, got ${JSON.stringify(raw)}` });
    return undefined;
  }
  const before = errors.length;
  const variables = opts.version === '2012-10-17';

  for (const key of Object.keys(raw)) {
    if (ELEMENTS.includes(key)) continue;
    const hint = ELEMENTS.find((e) => e.toLowerCase() === key.toLowerCase());
    errors.push({
      path: `${path}.${key}`,
      message: `${path}.${key}: unknown element '${key}'${hint ? `; did you mean '${hint}'?` : ` (a statement has ${ELEMENTS.join(', ')})`}`,
    });
  }

  let sid: string | undefined;
  if ('Sid' in raw) {
    if (typeof raw.Sid !== 'string') errors.push({ path: `${path}.Sid`, message: `${path}.Sid must be a string, got ${JSON.stringify(raw.Sid)}` });
    else if (opts.kind === 'identity' && !/^[A-Za-z0-9]*$/.test(raw.Sid)) {
      errors.push({ path: `${path}.Sid`, message: `${path}.Sid must be alphanumeric in an identity-based policy, got '${raw.Sid}'` });
    } else sid = raw.Sid;
  }

  const effect = raw.Effect;
  if (!('Effect' in raw)) errors.push({ path, message: `${path} must have an Effect (Allow or Deny)` });
  else if (effect !== 'Allow' && effect !== 'Deny') {
    errors.push({ path: `${path}.Effect`, message: `${path}.Effect must be Allow or Deny, got ${typeof effect === 'string' ? `'${effect}'` : JSON.stringify(effect)}` });
  }

  const action = pick(raw, 'Action', 'NotAction', path, errors, true);
  const actions = action ? stringList(action.value, `${path}.${action.name}`, 'action', errors) : undefined;
  for (const a of actions ?? []) {
    if (a !== '*' && !ACTION.test(a)) {
      const at = `${path}.${action!.name}`;
      errors.push({
        path: at,
        message: a.includes(':')
          ? `${at}: '${a}' is not an action (expected service:ActionName, with * or ? as wildcards)`
          : `${at}: '${a}' must be prefixed by its service, e.g. secretsmanager:${a}`,
      });
    }
  }

  const resource = pick(raw, 'Resource', 'NotResource', path, errors, true);
  const resources = resource ? stringList(resource.value, `${path}.${resource.name}`, 'resource', errors) : undefined;
  const resourceMatchers: Pattern[] = [];
  for (const r of resources ?? []) {
    const at = `${path}.${resource!.name}`;
    if (r !== '*' && !isArnLike(r, variables)) {
      errors.push({ path: at, message: `${at}: '${r}' must be "*" or an ARN (arn:partition:service:region:account:resource)` });
      continue;
    }
    const compiled = compileArnPattern(r, { variables });
    if (compiled.ok) resourceMatchers.push(compiled.pattern);
    else errors.push({ path: at, message: `${at}: ${compiled.error}` });
  }

  const principal = pick(raw, 'Principal', 'NotPrincipal', path, errors, false);
  if (opts.kind === 'identity' && principal) {
    errors.push({
      path: `${path}.${principal.name}`,
      message: `${path}.${principal.name} is not allowed in an identity-based policy (it applies to the user it is attached to)`,
    });
  }
  if (opts.kind === 'resource' && principal === undefined) {
    errors.push({ path, message: `${path} must have a Principal or a NotPrincipal in a resource-based policy` });
  }
  const spec = principal && opts.kind === 'resource' ? compilePrincipal(principal.value, `${path}.${principal.name}`, errors) : undefined;

  const conditions = 'Condition' in raw ? compileConditions(raw.Condition, `${path}.Condition`, { variables }, errors) : [];

  if (errors.length > before || !actions || !resources) return undefined;
  return {
    index,
    sid,
    effect: effect as 'Allow' | 'Deny',
    notAction: action!.negated,
    actions,
    // Action names are case-insensitive: patterns and request actions are both lower-cased.
    actionMatchers: actions.map((a) => staticPattern(a.toLowerCase(), { wildcards: true, ignoreCase: false })),
    notResource: resource!.negated,
    resources,
    resourceMatchers,
    notPrincipal: principal?.negated ?? false,
    principal: spec,
    conditions,
  };
}
