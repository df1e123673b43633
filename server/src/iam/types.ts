// The shapes the policy engine compiles to and the shapes evaluate() reads and answers. Pure data: the
// matchers inside are closures built once by the compiler, so evaluation never parses text.

export type PolicyKind = 'identity' | 'resource';
export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type Effect = 'Allow' | 'Deny';

/** One thing wrong with a policy document: where (a JSON path such as `Statement[1].Effect`) and what. */
export interface PolicyError {
  readonly path: string;
  /** A whole sentence that names the path, e.g. "Statement[1].Effect must be Allow or Deny, got 'Alow'". */
  readonly message: string;
}

export type CompileResult = { ok: true; policy: CompiledPolicy } | { ok: false; errors: PolicyError[] };

export interface CompileOptions {
  kind: PolicyKind;
  /** Shown in audit records (an inline policy's name). */
  name?: string;
  /** A managed policy's ARN: AWS appends it to explicit-deny messages of identity-based policies. */
  arn?: string;
}

/** Case-insensitive view of the request's condition keys (see request-context.ts). */
export interface ContextLookup {
  /**
   * The values of a key, given lower-cased (key names are case-insensitive); undefined when absent or
   * empty. `asWritten` (the policy's spelling) lets the common exact-case hit skip the normalization.
   */
  values(lowerKey: string, asWritten?: string): readonly string[] | undefined;
  /** A key usable as a policy variable: present with exactly one value. */
  single(lowerKey: string, asWritten?: string): string | undefined;
}

/** A compiled `*`/`?` pattern, possibly with policy variables resolved from the request at match time. */
export interface Pattern {
  readonly source: string;
  /** Contains an unescaped `*` or `?` (only meaningful for patterns compiled with wildcards). */
  readonly hasWildcard: boolean;
  readonly hasVariable: boolean;
  test(value: string, ctx: ContextLookup): boolean;
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues' | undefined;

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

/** One `operator: { key: values }` pair of a Condition block, compiled. */
export interface CompiledCondition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The canonical base operator, e.g. `StringLike`. */
  readonly base: string;
  readonly family: OperatorFamily;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
  /** StringNotEquals, NotIpAddress, ArnNotLike ...: true when no policy value matches. */
  readonly negated: boolean;
  readonly key: string;
  /** The key lower-cased: context key names are case-insensitive (AWS). */
  readonly lowerKey: string;
  readonly values: readonly string[];
  /** Does one request value match at least one policy value (before negation)? */
  readonly matchesAny: (value: string, ctx: ContextLookup) => boolean;
  /** Null operator only: true when the policy asks for the key to be absent. */
  readonly nullExpectsAbsent?: readonly boolean[];
}

/** A Principal / NotPrincipal element, normalized. Account ids and `:root` ARNs both land in `accounts`. */
export interface PrincipalSpec {
  /** `"*"` or `{"AWS": "*"}`. */
  readonly any: boolean;
  readonly accounts: ReadonlySet<string>;
  /** Exact IAM / STS principal ARNs other than account roots. */
  readonly arns: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  /** Federated and CanonicalUser principals: kept for display, never match a Coffer caller. */
  readonly others: readonly string[];
}

export interface CompiledStatement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly notAction: boolean;
  /** Action patterns as written. */
  readonly actions: readonly string[];
  /** Lower-cased action matchers: action names are case-insensitive (AWS). */
  readonly actionMatchers: readonly ((lowerAction: string) => boolean)[];
  readonly notResource: boolean;
  readonly resources: readonly string[];
  readonly resourceMatchers: readonly Pattern[];
  readonly notPrincipal: boolean;
  readonly principal?: PrincipalSpec;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicy {
  readonly kind: PolicyKind;
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly name?: string;
  readonly arn?: string;
  readonly statements: readonly CompiledStatement[];
  /** Split once at compile time: evaluate() looks at every Deny before any Allow. */
  readonly denies: readonly CompiledStatement[];
  readonly allows: readonly CompiledStatement[];
}

export type ContextValue = string | readonly string[] | undefined;

export interface RequestPrincipal {
  /** `arn:aws:iam::<account>:user/<name>`, `arn:aws:iam::<account>:root`, or a service name. */
  readonly arn: string;
  readonly accountId: string;
  /** The principal's tags: become `aws:PrincipalTag/<key>` unless the context sets those keys. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface AuthorizationRequest {
  readonly principal: RequestPrincipal;
  /** `service:Action`, e.g. `secretsmanager:GetSecretValue` (matched case-insensitively). */
  readonly action: string;
  /** The resource ARN (matched case-sensitively), or `*` for actions without a resource. */
  readonly resource: string;
  readonly resourceAccountId: string;
  /** Condition keys; names are case-insensitive, as in AWS. */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** The request's global condition keys (aws:SourceIp, aws:CurrentTime, ...); `context` wins over them. */
  readonly globalContext?: Readonly<Record<string, ContextValue>>;
}

export interface AuthorizationPolicies {
  readonly identity: readonly CompiledPolicy[];
  readonly resource?: CompiledPolicy;
  /**
   * The resource policy gates every access, as a KMS key policy does: it must allow the caller, directly,
   * or by naming the caller's account (then an identity policy must allow as well). Identity policies alone
   * grant nothing, and the account root gets only what the resource policy gives its account.
   */
  readonly resourceMustAllow?: boolean;
}

export interface StatementRef {
  readonly policy: PolicyKind;
  /** Position among the identity policies (0 for the resource policy). */
  readonly policyIndex: number;
  readonly policyName?: string;
  readonly policyArn?: string;
  readonly sid?: string;
  /** Position of the statement in its policy. */
  readonly index: number;
}

export type DecisionReason = 'explicit-deny' | 'allowed' | 'implicit-deny';

export interface Decision {
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  /** The Deny that matched, or the Allow that granted (for a cross-account grant: the resource policy's). */
  readonly decidingStatement?: StatementRef;
  /** Both grants when the decision needed both (cross-account), or the one that granted. */
  readonly allowedBy?: { readonly identity?: StatementRef; readonly resource?: StatementRef };
  /** For an implicit deny: which policy type had no Allow (AWS names exactly one in its message). */
  readonly missing?: PolicyKind;
}
