// The resource policy editor's own check, before ValidateResourcePolicy: the text must be a JSON object
// with a Statement; everything else (principals, actions, public access) is the API's to judge.
export function policyProblem(text: string): string | undefined {
  if (text.trim() === '') return 'Enter a policy document.';
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (err) { return `The policy is not valid JSON: ${(err as Error).message}`; }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'The policy must be a JSON object.';
  if (!('Statement' in doc)) return 'The policy has no Statement.';
  return undefined;
}

/** The account the template grants: AWS's documentation example, to be replaced. */
export const EXAMPLE_ACCOUNT = '123456789012';

export const POLICY_TEMPLATE = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
  },
  null,
  2,
);
