import { useState } from 'react';
import { ErrorMessage } from '../../components/error-message.tsx';
import { policyProblem } from './policy.ts';

export interface ValidationFinding {
  FindingType?: string;
  ErrorMessage?: string;
  ErrorCheck?: string;
}
export type PolicyValidator = (text: string) => Promise<{ PolicyValidationPassed?: boolean; ValidationErrors?: ValidationFinding[] }>;

/** A JSON editor for a resource policy with "Validate" (ValidateResourcePolicy) feedback under it. */
export function PolicyEditor({ value, onChange, validate }: { value: string; onChange: (text: string) => void; validate: PolicyValidator }) {
  const [result, setResult] = useState<{ passed: boolean; findings: ValidationFinding[] } | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const local = value.trim() === '' ? undefined : policyProblem(value);
  async function run() {
    setError(undefined);
    setResult(undefined);
    const problem = policyProblem(value);
    if (problem) { setError(new Error(problem)); return; }
    setBusy(true);
    try {
      const r = await validate(value);
      setResult({ passed: r.PolicyValidationPassed === true, findings: r.ValidationErrors ?? [] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="policy-editor">
      <label htmlFor="policy-text">Resource policy (JSON)</label>
      <textarea id="policy-text" rows={14} spellCheck={false} value={value} onChange={(e) => { onChange(e.target.value); setResult(undefined); }} aria-invalid={local !== undefined} aria-describedby="policy-feedback" />
      <div id="policy-feedback" aria-live="polite">
        {local && <p className="error">{local}</p>}
        {result?.passed && <p className="ok">Policy validation passed.</p>}
        {result && !result.passed && (
          <ul className="error" role="alert">
            {result.findings.length === 0 && <li>Policy validation did not pass.</li>}
            {result.findings.map((f, i) => <li key={i}>{f.ErrorMessage ?? f.ErrorCheck}</li>)}
          </ul>
        )}
        <ErrorMessage error={error} />
      </div>
      <button type="button" onClick={run} disabled={busy}>Validate policy</button>
    </div>
  );
}
