// Authorization of one request: who is calling (identity-directory.ts), the request's condition context,
// and evaluate() over the caller's identity policies and the resource's policy. Services ask it before they
// act; a denied check is AccessDeniedException with AWS's message.
//
// Cheap by construction on the hot path: internal calls (no caller) and the account root acting in its own
// account on a resource whose policy has no Deny pass without building a context or evaluating anything
// (AWS: the root user has full access to its account's resources). Only users pay for an evaluation, a few µs.
import { accessDeniedMessage, evaluate, type CompiledPolicy, type ContextValue, type Decision } from '../iam/index.ts';
import { awsErrors } from '../errors/aws-errors.ts';
import type { ReadView } from '../store/read-cache.ts';
import { ROOT_IDENTITY, isRootArn, type Identity, type IdentityDirectory } from './identity-directory.ts';

/** The authenticated caller as services see it (the pipeline's Caller has these fields). */
export interface AccessCaller {
  readonly arn: string;
  readonly accountId: string;
  readonly accessKeyId?: string;
  readonly sourceIp?: string;
  /** the request came over TLS */
  readonly secureTransport?: boolean;
  readonly userAgent?: string;
  /** the request's view of the read cache, when authentication read one (its identity is read through it) */
  readonly view?: ReadView;
}

/** The caller's account and region, and the caller itself; without `caller` the call is internal and trusted. */
export interface RequestScope {
  readonly accountId: string;
  readonly region: string;
  readonly caller?: AccessCaller;
}

export interface AccessCheck {
  /** `service:Action`, e.g. secretsmanager:GetSecretValue */
  readonly action: string;
  /** the resource's ARN, or `*` for actions without a resource */
  readonly resource: string;
  readonly resourceAccountId: string;
  readonly resourcePolicy?: CompiledPolicy;
  /** the resource policy must allow (a KMS key policy): no shortcut for the root, identity policies alone grant nothing */
  readonly resourceMustAllow?: boolean;
  /** request-specific condition keys; the authorizer adds the global ones (aws:SourceIp, aws:CurrentTime, ...) beside them */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** what the AccessDenied message names after "on resource:" (default: `resource`) */
  readonly shownResource?: string;
}

export interface RequestAccess {
  readonly caller?: AccessCaller;
  readonly identity: Identity;
  /** Would every check on a resource of this account with this policy pass without evaluation? */
  unrestricted(resourceAccountId: string, resourcePolicy?: CompiledPolicy): boolean;
  decide(check: AccessCheck): Decision;
  allows(check: AccessCheck): boolean;
  /** Throws AccessDeniedException unless the check passes. */
  require(check: AccessCheck): void;
}

const ALLOWED: Decision = Object.freeze({ allowed: true, reason: 'allowed' });

export function createAuthorizer(deps: { directory: IdentityDirectory; now: () => number }) {
  const { directory, now } = deps;

  /** The request's access; a user's identity is read through the request's view of the read cache. */
  async function forRequest(scope: RequestScope): Promise<RequestAccess> {
    const caller = scope.caller;
    const identity = !caller || isRootArn(caller.arn) ? ROOT_IDENTITY : await directory.identityOf(caller.accountId, caller.arn, caller.view);
    return new ScopedAccess(scope, identity, now);
  }

  return { forRequest };
}

/** One request's access. A class rather than closures: the hot path builds one per request. */
class ScopedAccess implements RequestAccess {
  readonly caller?: AccessCaller;
  private base?: Record<string, ContextValue>;

  constructor(
    private readonly scope: RequestScope,
    readonly identity: Identity,
    private readonly now: () => number,
  ) {
    this.caller = scope.caller;
  }

  unrestricted(resourceAccountId: string, resourcePolicy?: CompiledPolicy): boolean {
    const caller = this.caller;
    if (!caller) return true;
    return this.identity.kind === 'root' && resourceAccountId === caller.accountId && (!resourcePolicy || resourcePolicy.denies.length === 0);
  }

  decide(check: AccessCheck): Decision {
    const caller = this.caller;
    if (!caller || (!check.resourceMustAllow && this.unrestricted(check.resourceAccountId, check.resourcePolicy))) return ALLOWED;
    return evaluate(
      {
        principal: { arn: caller.arn, accountId: caller.accountId, tags: this.identity.tags },
        action: check.action,
        resource: check.resource,
        resourceAccountId: check.resourceAccountId,
        context: check.context,
        globalContext: this.globalContext(),
      },
      { identity: this.identity.policies, resource: check.resourcePolicy, resourceMustAllow: check.resourceMustAllow },
    );
  }

  allows(check: AccessCheck): boolean {
    return this.decide(check).allowed;
  }

  require(check: AccessCheck): void {
    const decision = this.decide(check);
    if (decision.allowed) return;
    const message = accessDeniedMessage({ principal: { arn: this.caller!.arn }, action: check.action, resource: check.shownResource ?? check.resource }, decision);
    throw awsErrors.accessDenied(message);
  }

  /** The global condition keys, built once per request and only when a policy is evaluated. */
  private globalContext(): Record<string, ContextValue> {
    if (this.base) return this.base;
    const seconds = Math.floor(this.now() / 1000);
    const caller = this.caller;
    const base: Record<string, ContextValue> = {
      // ISO 8601 to the second, as AWS writes it
      'aws:CurrentTime': new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'),
      'aws:EpochTime': String(seconds),
      // What this server saw: behind a TLS proxy (--insecure-http) a request reaches it in plain HTTP.
      'aws:SecureTransport': caller?.secureTransport ? 'true' : 'false',
      'aws:RequestedRegion': this.scope.region,
    };
    if (caller?.sourceIp) base['aws:SourceIp'] = caller.sourceIp;
    if (caller?.userAgent) base['aws:UserAgent'] = caller.userAgent;
    return (this.base = base);
  }
}

export type Authorizer = ReturnType<typeof createAuthorizer>;

/**
 * Operator-only operations (accounts, the audit chain's check, the root key): the root of the installation's
 * first account, or an internal call without a caller; nobody else, whatever the policies say.
 */
export function requireOperator(caller: { arn: string } | undefined, operatorAccountId: string, operation: string): void {
  if (!caller || caller.arn === `arn:aws:iam::${operatorAccountId}:root`) return;
  throw awsErrors.accessDenied(
    `User: ${caller.arn} is not authorized to perform: coffer:${operation} on resource: * because only the operator credential (the root of account ${operatorAccountId}) may perform it`,
  );
}
