// The AWS Query protocol's answers: <ActionResponse><ActionResult>...</ActionResult><ResponseMetadata> and
// <ErrorResponse><Error><Type><Code><Message></Error><RequestId>, as the SDKs' XML parsers read them.
import type { AwsError } from '../../errors/aws-errors.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** `result`: the result's members, flat strings (all that STS's implemented operations answer). */
export function resultXml(action: string, namespace: string, result: Record<string, string | undefined>, requestId: string): string {
  let members = '';
  for (const [name, value] of Object.entries(result)) if (value !== undefined) members += `<${name}>${escapeXml(value)}</${name}>`;
  return (
    `<${action}Response xmlns="${namespace}"><${action}Result>${members}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(err: AwsError, namespace: string, requestId: string): string {
  const type = err.fault ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
