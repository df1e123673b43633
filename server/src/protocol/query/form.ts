// The AWS Query protocol's request: a form-encoded body (application/x-www-form-urlencoded) naming the
// operation in Action and the API version in Version; every other pair is a parameter.
import { AwsError } from '../../errors/aws-errors.ts';

export interface QueryRequest {
  action: string;
  version: string;
  params: Record<string, string>;
}

export function isQueryRequest(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** The form's Action, Version and parameters; a clear 400 for a form without them (AWS's codes for each case). */
export function parseQueryForm(body: Buffer, version: string): QueryRequest {
  // URLSearchParams decodes '+' and %XX as browsers and the SDKs encode them; malformed escapes stay as sent.
  const form = new URLSearchParams(body.toString('utf8'));
  const params: Record<string, string> = {};
  for (const [name, value] of form) if (name !== 'Action' && name !== 'Version') params[name] = value;
  const action = form.get('Action');
  if (!action) throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
  const sent = form.get('Version');
  if (!sent) throw new AwsError('MissingParameter', 'The request must contain the parameter Version.');
  if (sent !== version) throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${sent}`);
  return { action, version: sent, params };
}
