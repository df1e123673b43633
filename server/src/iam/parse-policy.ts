// A policy document from text (or an already parsed value) to a CompiledPolicy, or to every error found.
// Errors are collected, not thrown: one pass tells the author everything that is wrong and where.
//
// Top level (IAM "JSON policy document structure"): Version, Id, Statement; nothing else.
// - Version is "2012-10-17" or "2008-10-17". Without a Version IAM reads the document as 2008-10-17, in
//   which policy variables are plain text; we do the same.
// - Statement is one statement object or a non-empty list of them.
// - Sids are unique within a policy ("Statement IDs (SID) in a single policy must be unique").
import { readJson, isJsonObject, type JsonValue } from './json-reader.ts';
import { compileStatement } from './parse-statement.ts';
import type { CompileOptions, CompileResult, CompiledStatement, PolicyError, PolicyVersion } from './types.ts';

export const POLICY_VERSIONS: readonly PolicyVersion[] = ['2012-10-17', '2008-10-17'];
const TOP_LEVEL = ['Version', 'Id', 'Statement'];

/** Parse policy text and compile it. */
export function parsePolicy(text: string, options: CompileOptions): CompileResult {
  if (text.trim() === '') return { ok: false, errors: [{ path: '', message: 'The policy document is empty' }] };
  const read = readJson(text);
  if (!read.ok) return { ok: false, errors: [{ path: '', message: `The policy is not valid JSON: ${read.message}` }] };
  return compilePolicy(read.value, options);
}

/** Compile an already parsed document (JSON.parse output or a literal in code). */
export function compilePolicy(doc: unknown, options: CompileOptions): CompileResult {
  const errors: PolicyError[] = [];
  if (!isJsonObject(doc)) {
    const got = doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc;
    return { ok: false, errors: [{ path: '', message: `The policy must be a JSON object with Version and Statement, got ${got}` }] };
  }
  for (const key of Object.keys(doc)) {
    if (TOP_LEVEL.includes(key)) continue;
    const hint = TOP_LEVEL.find((k) => k.toLowerCase() === key.toLowerCase());
    errors.push({
      path: key,
      message: `${key}: unknown top-level element '${key}'${hint ? `; did you mean '${hint}'?` : ' (a policy has Version, Id and Statement)'}`,
    });
  }

  let version: PolicyVersion = '2008-10-17';
  if ('Version' in doc) {
    if (POLICY_VERSIONS.includes(doc.Version as PolicyVersion)) version = doc.Version as PolicyVersion;
    else {
      errors.push({
        path: 'Version',
        message: `Version must be "2012-10-17" or "2008-10-17", got ${JSON.stringify(doc.Version)}`,
      });
    }
  }
  let id: string | undefined;
  if ('Id' in doc) {
    if (typeof doc.Id === 'string') id = doc.Id;
    else errors.push({ path: 'Id', message: `Id must be a string, got ${JSON.stringify(doc.Id)}` });
  }

  const statements: CompiledStatement[] = [];
  if (!('Statement' in doc)) errors.push({ path: 'Statement', message: 'The policy must have a Statement' });
  else {
    const raw = doc.Statement as JsonValue;
    const single = !Array.isArray(raw);
    const list = single ? [raw] : (raw as JsonValue[]);
    if (list.length === 0) errors.push({ path: 'Statement', message: 'Statement must list at least one statement, got an empty list' });
    const sids = new Map<string, number>();
    list.forEach((s, i) => {
      const path = single ? 'Statement' : `Statement[${i}]`;
      const compiled = compileStatement(s, i, path, { kind: options.kind, version }, errors);
      if (compiled) statements.push(compiled);
      const sid = isJsonObject(s) && typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined;
      if (sid !== undefined) {
        const first = sids.get(sid);
        if (first !== undefined) {
          errors.push({ path: `${path}.Sid`, message: `${path}.Sid '${sid}' repeats the Sid of Statement[${first}]; Sids must be unique in a policy` });
        } else sids.set(sid, i);
      }
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      kind: options.kind,
      version,
      id,
      name: options.name,
      arn: options.arn,
      statements,
      denies: statements.filter((s) => s.effect === 'Deny'),
      allows: statements.filter((s) => s.effect === 'Allow'),
    },
  };
}

/** Errors as one message for MalformedPolicyDocumentException: the first few, then how many more. */
export function formatPolicyErrors(errors: readonly PolicyError[], max = 5): string {
  const shown = errors.slice(0, max).map((e) => e.message);
  const more = errors.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more error${more === 1 ? '' : 's'}` : '');
}
