// The Condition element: `{ "<operator>": { "<key>": <value or [values]> } }`. Every operator/key pair
// becomes one CompiledCondition; all of them must hold for the statement to apply (AND), and within one
// pair a request value may match any of the policy values (OR) — IAM "Creating a condition with multiple
// keys or values".
import { parseOperator } from './condition-operators.ts';
import { isJsonObject, type JsonValue } from './json-reader.ts';
import { parseBool } from './scalar-values.ts';
import type { CompiledCondition, PolicyError } from './types.ts';

// `service:Name`; the name may carry a tag key with spaces and punctuation (aws:ResourceTag/Cost Center).
const CONDITION_KEY = /^[A-Za-z0-9-]+:[^\u0000-\u001f]+$/;

function describeJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Condition values are strings, numbers or booleans (or a non-empty list of them), compared as text. */
function conditionValues(value: JsonValue, path: string, errors: PolicyError[]): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    errors.push({ path, message: `${path} must have at least one value, got an empty list` });
    return undefined;
  }
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else {
      const at = Array.isArray(value) ? `${path}[${i}]` : path;
      errors.push({ path: at, message: `${at} must be a string, number or boolean, got ${describeJson(v)}` });
      return undefined;
    }
  }
  return out;
}

export function compileConditions(
  block: JsonValue,
  path: string,
  opts: { variables: boolean },
  errors: PolicyError[],
): CompiledCondition[] {
  if (!isJsonObject(block)) {
    errors.push({ path, message: `${path} must be an object of condition operators, got ${describeJson(block)}` });
    return [];
  }
  const out: CompiledCondition[] = [];
  for (const [operator, entries] of Object.entries(block)) {
    const opPath = `${path}.${operator}`;
    const parsed = parseOperator(operator);
    if (!parsed.ok) {
      errors.push({ path: opPath, message: `${opPath}: ${parsed.error}` });
      continue;
    }
    const { def, qualifier, ifExists } = parsed.op;
    if (!isJsonObject(entries)) {
      errors.push({ path: opPath, message: `${opPath} must be an object of condition keys, got ${describeJson(entries)}` });
      continue;
    }
    const keys = Object.keys(entries);
    if (keys.length === 0) {
      errors.push({ path: opPath, message: `${opPath} must name at least one condition key` });
      continue;
    }
    for (const key of keys) {
      const keyPath = `${opPath}.${key}`;
      if (!CONDITION_KEY.test(key)) {
        errors.push({
          path: keyPath,
          message: `${keyPath}: '${key}' is not a condition key (expected service:Name, e.g. aws:SourceIp or secretsmanager:VersionStage)`,
        });
        continue;
      }
      const values = conditionValues(entries[key], keyPath, errors);
      if (!values) continue;
      const compiled = def.compile(values, opts);
      if (!compiled.ok) {
        errors.push({ path: keyPath, message: `${keyPath}: ${compiled.error} (operator ${def.base})` });
        continue;
      }
      out.push({
        operator,
        base: def.base,
        family: def.family,
        qualifier,
        ifExists,
        negated: def.negated,
        key,
        lowerKey: key.toLowerCase(),
        values,
        matchesAny: compiled.matchesAny,
        nullExpectsAbsent: def.family === 'Null' ? values.map((v) => parseBool(v) === true) : undefined,
      });
    }
  }
  return out;
}
