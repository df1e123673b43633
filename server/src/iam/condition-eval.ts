// Evaluating compiled conditions against a request context. The rules, from the IAM reference
// ("Condition operators", "...IfExists", "Set operators for multivalued context keys"):
//
// - All operator/key pairs must hold (AND). Within one pair a value matches if it matches any policy
//   value (OR); for a negated operator (StringNotEquals, NotIpAddress, ArnNotLike ...) a value matches if
//   it matches none of them (NOR).
// - Key absent: the positive operators are false, the negated ones true ("If the key that you specify in a
//   policy condition is not present in the request context, the values do not match and the condition is
//   false. If the policy condition requires that the key is not matched, such as StringNotLike or
//   ArnNotLike, and the right key is not present, the condition is true.").
// - ...IfExists: key absent -> true; present -> the operator as usual.
// - Null: "true" holds when the key is absent, "false" when it is present.
// - ForAllValues: every request value must match; true when the key is absent or empty.
//   ForAnyValue: at least one request value must match; false when the key is absent or empty.
//   With a negated operator the per-value test is negated first: ForAllValues:StringNotEquals holds when
//   no request value equals any policy value; ForAnyValue:StringNotEquals when at least one does not.
// - A multivalued key without a qualifier: a positive operator holds if any value matches, a negated one if
//   no value matches (the same NOR as above, applied to every request value).
import type { CompiledCondition, ContextLookup } from './types.ts';

export function conditionHolds(c: CompiledCondition, ctx: ContextLookup): boolean {
  const values = ctx.values(c.lowerKey, c.key);

  if (c.family === 'Null') {
    const absent = values === undefined;
    for (const expectAbsent of c.nullExpectsAbsent!) if (expectAbsent === absent) return true;
    return false;
  }
  if (values === undefined) {
    if (c.ifExists) return true;
    if (c.qualifier === 'ForAllValues') return true;
    if (c.qualifier === 'ForAnyValue') return false;
    return c.negated;
  }

  // Plain loops rather than every()/some() with closures: this runs for every condition of every request.
  if (c.qualifier === 'ForAllValues') {
    for (const v of values) if (c.matchesAny(v, ctx) === c.negated) return false;
    return true;
  }
  if (c.qualifier === 'ForAnyValue') {
    for (const v of values) if (c.matchesAny(v, ctx) !== c.negated) return true;
    return false;
  }
  let any = false;
  for (const v of values) {
    if (c.matchesAny(v, ctx)) {
      any = true;
      break;
    }
  }
  return c.negated ? !any : any;
}

export function allConditionsHold(conditions: readonly CompiledCondition[], ctx: ContextLookup): boolean {
  for (const c of conditions) if (!conditionHolds(c, ctx)) return false;
  return true;
}
