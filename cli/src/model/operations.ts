// The Secrets Manager operations the `coffer` command offers as verbs. Each becomes a command built from the
// service model by commands/operation.ts: adding an operation here (and to the server) is all a new verb needs.

export const OPERATIONS = [
  'CreateSecret',
  'GetSecretValue',
  'PutSecretValue',
  'UpdateSecret',
  'UpdateSecretVersionStage',
  'DescribeSecret',
  'ListSecrets',
  'ListSecretVersionIds',
  'DeleteSecret',
  'RestoreSecret',
  'TagResource',
  'UntagResource',
  'GetRandomPassword',
  'BatchGetSecretValue',
  'RotateSecret',
  'CancelRotateSecret',
  'PutResourcePolicy',
  'GetResourcePolicy',
  'DeleteResourcePolicy',
  'ValidateResourcePolicy',
] as const;

export type OperationName = (typeof OPERATIONS)[number];

/** How a list operation pages, in botocore's paginator terms (the aws CLI's --max-items semantics follow them). */
export interface PaginatorConfig {
  inputToken: string;
  outputToken: string;
  limitKey: string;
  /** Lists concatenated across pages; the first is the one --max-items counts. */
  resultKeys: string[];
  /** Members taken from the first page only. */
  nonAggregateKeys: string[];
}

const TOKENS = { inputToken: 'NextToken', outputToken: 'NextToken', limitKey: 'MaxResults' };

export const PAGINATORS: Partial<Record<OperationName, PaginatorConfig>> = {
  ListSecrets: { ...TOKENS, resultKeys: ['SecretList'], nonAggregateKeys: [] },
  ListSecretVersionIds: { ...TOKENS, resultKeys: ['Versions'], nonAggregateKeys: ['ARN', 'Name'] },
  BatchGetSecretValue: { ...TOKENS, resultKeys: ['SecretValues', 'Errors'], nonAggregateKeys: [] },
};

/** One example per verb, shown by `coffer help <verb>`. */
export const EXAMPLES: Record<OperationName, string> = {
  CreateSecret:
    `coffer create-secret --name prod/db --description "Primary database" \\\n` +
    `    --secret-string '{"username":"app","password":"EXAMPLE"}' --tags Key=team,Value=core`,
  GetSecretValue: 'coffer get-secret-value --secret-id prod/db --version-stage AWSPREVIOUS',
  PutSecretValue: 'coffer put-secret-value --secret-id prod/db --secret-string file://new-value.json',
  UpdateSecret: 'coffer update-secret --secret-id prod/db --description "Primary database (rotated monthly)"',
  UpdateSecretVersionStage:
    'coffer update-secret-version-stage --secret-id prod/db --version-stage AWSCURRENT \\\n' +
    '    --move-to-version-id 00000000-0000-0000-0000-000000000001 --remove-from-version-id 00000000-0000-0000-0000-000000000002',
  DescribeSecret: 'coffer describe-secret --secret-id prod/db --query Tags',
  ListSecrets: `coffer list-secrets --filters Key=name,Values=prod/ --query 'SecretList[].Name' --output text`,
  ListSecretVersionIds: 'coffer list-secret-version-ids --secret-id prod/db --include-deprecated',
  DeleteSecret: 'coffer delete-secret --secret-id prod/db --recovery-window-in-days 7',
  RestoreSecret: 'coffer restore-secret --secret-id prod/db',
  TagResource: 'coffer tag-resource --secret-id prod/db --tags Key=owner,Value=anika Key=tier,Value=1',
  UntagResource: 'coffer untag-resource --secret-id prod/db --tag-keys owner tier',
  GetRandomPassword: 'coffer get-random-password --password-length 32 --exclude-punctuation --query RandomPassword --output text',
  BatchGetSecretValue: 'coffer batch-get-secret-value --filters Key=tag-key,Values=team --max-items 10',
  RotateSecret:
    'coffer rotate-secret --secret-id prod/db \\\n' +
    '    --rotation-lambda-arn arn:aws:lambda:us-east-1:123456789012:function:rotate-db --rotation-rules AutomaticallyAfterDays=30',
  CancelRotateSecret: 'coffer cancel-rotate-secret --secret-id prod/db',
  PutResourcePolicy: 'coffer put-resource-policy --secret-id prod/db --resource-policy file://policy.json --block-public-policy',
  GetResourcePolicy: 'coffer get-resource-policy --secret-id prod/db --query ResourcePolicy --output text',
  DeleteResourcePolicy: 'coffer delete-resource-policy --secret-id prod/db',
  ValidateResourcePolicy: 'coffer validate-resource-policy --secret-id prod/db --resource-policy file://policy.json',
};
