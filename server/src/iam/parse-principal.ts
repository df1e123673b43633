// Principal / NotPrincipal. Accepted forms (IAM "AWS JSON policy elements: Principal"):
//   "*"                                   anyone (the only place a wildcard is allowed)
//   {"AWS": "*"}                          any AWS principal; for Coffer, where every caller is signed, the same
//   {"AWS": "111122223333"}               an account, the same as
//   {"AWS": "arn:aws:iam::111122223333:root"}
//   {"AWS": "arn:aws:iam::111122223333:user/app"}          (also role/..., sts assumed-role/..., federated-user/...)
//   {"Service": "secretsmanager.amazonaws.com"}
//   {"Federated": ...} / {"CanonicalUser": ...}             valid grammar, never a Coffer caller
// Each value may also be a list. AWS refuses partial wildcards in principals ("You cannot use a wildcard to
// match part of a principal name or ARN"); so do we, pointing at aws:PrincipalArn instead.
import { isJsonObject, type JsonValue } from './json-reader.ts';
import type { PolicyError, PrincipalSpec } from './types.ts';

const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = /^arn:[a-z][a-z0-9-]*:iam::(\d{12}):root$/;
const PRINCIPAL_ARN = /^arn:[a-z][a-z0-9-]*:(?:iam::\d{12}:(?:user|role)\/\S+|sts::\d{12}:(?:assumed-role|federated-user)\/\S+)$/;
const SERVICE = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/i;
const TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

function strings(value: JsonValue, path: string, errors: PolicyError[]): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    errors.push({ path, message: `${path} must name at least one principal, got an empty list` });
    return [];
  }
  const out: string[] = [];
  list.forEach((v, i) => {
    if (typeof v === 'string' && v.length > 0) out.push(v);
    else {
      const at = Array.isArray(value) ? `${path}[${i}]` : path;
      errors.push({ path: at, message: `${at} must be a non-empty string, got ${JSON.stringify(v)}` });
    }
  });
  return out;
}

export function compilePrincipal(value: JsonValue, path: string, errors: PolicyError[]): PrincipalSpec | undefined {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  const services = new Set<string>();
  const others: string[] = [];
  let any = false;

  if (value === '*') return { any: true, accounts, arns, services, others };
  if (!isJsonObject(value)) {
    errors.push({
      path,
      message: `${path} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:user/name"}, got ${JSON.stringify(value)}`,
    });
    return undefined;
  }
  const before = errors.length;
  const types = Object.keys(value);
  if (types.length === 0) errors.push({ path, message: `${path} must name at least one principal type (AWS, Service, Federated, CanonicalUser)` });
  for (const type of types) {
    const typePath = `${path}.${type}`;
    if (!TYPES.includes(type)) {
      const hint = TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
      errors.push({
        path: typePath,
        message: `${typePath}: unknown principal type '${type}'${hint ? `; did you mean '${hint}'?` : ' (expected AWS, Service, Federated or CanonicalUser)'}`,
      });
      continue;
    }
    strings(value[type], typePath, errors).forEach((v) => {
      if (type === 'AWS') {
        const root = ROOT_ARN.exec(v);
        if (v === '*') any = true;
        else if (ACCOUNT_ID.test(v)) accounts.add(v);
        else if (root) accounts.add(root[1]);
        else if (v.includes('*') || v.includes('?')) {
          errors.push({
            path: typePath,
            message: `${typePath}: '${v}' has a wildcard; a principal is "*" or exact (use a Condition on aws:PrincipalArn to match a pattern)`,
          });
        } else if (PRINCIPAL_ARN.test(v)) arns.add(v);
        else {
          errors.push({
            path: typePath,
            message: `${typePath}: '${v}' is not a principal (expected "*", a 12-digit account id, or an IAM user/role ARN such as arn:aws:iam::111122223333:user/name)`,
          });
        }
      } else if (type === 'Service') {
        if (SERVICE.test(v)) services.add(v);
        else errors.push({ path: typePath, message: `${typePath}: '${v}' is not a service principal (e.g. secretsmanager.amazonaws.com)` });
      } else others.push(`${type}:${v}`);
    });
  }
  if (errors.length > before) return undefined;
  return { any, accounts, arns, services, others };
}
