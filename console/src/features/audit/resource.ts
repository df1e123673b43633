// The Audit page's Resource column in one form: the kind of resource and its name (a secret's name, a key's
// id, a user's name), the ARN kept for a tooltip. The trail files a call under the ARN its answer named; a
// failed call (or one whose answer names none) under what the request said: a name, a key id or an alias.

export interface ResourceLabel {
  kind: string;
  name: string;
  /** the full ARN, when the event has one */
  arn?: string;
}

const ARN = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.+)$/;
/** A full secret ARN ends in '-' and six random characters that are not part of the name. */
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** `request`: the event's requestParameters, which say what a resource named without an ARN is. */
export function resourceLabel(resource: string | undefined, request: Record<string, unknown> | null | undefined): ResourceLabel | undefined {
  if (!resource) return undefined;
  const arn = ARN.exec(resource);
  if (!arn) return bareLabel(resource, request ?? {});
  const [, service, rest] = arn;
  return { ...fromArn(service, rest), arn: resource };
}

function fromArn(service: string, rest: string): Omit<ResourceLabel, 'arn'> {
  if (service === 'secretsmanager' && rest.startsWith('secret:')) return { kind: 'secret', name: rest.slice('secret:'.length).replace(SECRET_SUFFIX, '') };
  if (service === 'kms' && rest.startsWith('key/')) return { kind: 'key', name: rest.slice('key/'.length) };
  if (service === 'kms' && rest.startsWith('alias/')) return { kind: 'alias', name: rest };
  if (service === 'iam' && rest.startsWith('user/')) return { kind: 'user', name: rest.slice('user/'.length) };
  if (service === 'lambda' && rest.startsWith('function:')) return { kind: 'function', name: rest.slice('function:'.length) };
  return { kind: service, name: rest };
}

/** A resource named as the request named it (the server's order: SecretId, KeyId, UserName). */
function bareLabel(name: string, request: Record<string, unknown>): ResourceLabel {
  if (request.SecretId === name) return { kind: 'secret', name };
  if (request.KeyId === name) return { kind: name.startsWith('alias/') ? 'alias' : 'key', name };
  if (request.UserName === name) return { kind: 'user', name };
  return { kind: 'resource', name };
}
