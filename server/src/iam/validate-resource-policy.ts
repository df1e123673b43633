// ValidateResourcePolicy's answer: PolicyValidationPassed plus ValidationErrors entries of
// { CheckName, ErrorMessage } (Secrets Manager model, ValidationErrorsEntry). AWS does not publish its
// CheckName values, so ours name the check that failed:
//   JSON_SYNTAX     the text is not JSON (with line and column)
//   POLICY_GRAMMAR  one entry per grammar error (element, where, what is wrong)
//   BROAD_ACCESS    one entry per statement that grants public access (what BlockPublicPolicy refuses)
// The fields are camelCase here; the API layer renames them to the model's PascalCase.
import { parsePolicy } from './parse-policy.ts';
import { publicAccessFindings } from './public-access.ts';
import type { CompiledPolicy } from './types.ts';

export const CHECK_NAMES = {
  jsonSyntax: 'JSON_SYNTAX',
  grammar: 'POLICY_GRAMMAR',
  broadAccess: 'BROAD_ACCESS',
} as const;

export interface ValidationFinding {
  readonly checkName: string;
  readonly errorMessage: string;
}

export interface ResourcePolicyValidation {
  readonly policyValidationPassed: boolean;
  readonly validationErrors: readonly ValidationFinding[];
  /** The compiled policy when the grammar is valid (even if it is public). */
  readonly policy?: CompiledPolicy;
}

export function validateResourcePolicy(text: string): ResourcePolicyValidation {
  const parsed = parsePolicy(text, { kind: 'resource' });
  if (!parsed.ok) {
    const syntax = parsed.errors.length === 1 && parsed.errors[0].path === '' && /not valid JSON|is empty/.test(parsed.errors[0].message);
    return {
      policyValidationPassed: false,
      validationErrors: parsed.errors.map((e) => ({
        checkName: syntax ? CHECK_NAMES.jsonSyntax : CHECK_NAMES.grammar,
        errorMessage: e.message,
      })),
    };
  }
  const broad = publicAccessFindings(parsed.policy).map((f) => ({ checkName: CHECK_NAMES.broadAccess, errorMessage: f.message }));
  return { policyValidationPassed: broad.length === 0, validationErrors: broad, policy: parsed.policy };
}
