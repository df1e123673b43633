// How a ValidationException quotes the offending value ("Value '<echo>' at 'path' ..."). AWS prints the
// Java toString of the deserialised value, so this mimics it per shape type:
//   strings and numbers as is; lists "[a, b]" (confirmed: Value '[]' at 'distributionConfig.origins.items');
//   blobs "java.nio.HeapByteBuffer[pos=0 lim=N cap=N]" (confirmed: KMS ciphertextBlob, Kinesis data);
//   maps "{k=v}" (Java Map). Structures print as Java object ids in AWS ("...RecordingModeOverride@aa179030"),
//   which helps nobody; we print "Shape(Member=value, ...)" instead, like the AWS SDK for Java's toString,
//   including its redaction text for sensitive members.
// Sensitive values are never echoed: the caller drops the quote entirely ("Value at 'secretString'").

import { memoize, shapeOf, type ServiceModelJson, type ShapeRef } from './model-json.ts';

export type Echo = (value: unknown) => string;

export const REDACTED_ECHO = '*** Sensitive Data Redacted ***';

const redactedEcho: Echo = () => REDACTED_ECHO;
const plainEcho: Echo = (value) => String(value);
const blobEcho: Echo = (value) => {
  const n = (value as Uint8Array).byteLength;
  return `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
};
const dateEcho: Echo = (value) => (value as Date).toISOString();

export function isSensitive(model: ServiceModelJson, ref: ShapeRef): boolean {
  return ref.sensitive === true || shapeOf(model, ref.shape).sensitive === true;
}

export function createEchoCompiler(model: ServiceModelJson): (ref: ShapeRef) => Echo {
  const cache = new Map<string, Echo>();

  const compile = (ref: ShapeRef): Echo => {
    if (isSensitive(model, ref)) return redactedEcho;
    return memoize(cache, ref.shape, () => build(ref.shape));
  };

  const build = (name: string): Echo => {
    const shape = shapeOf(model, name);
    switch (shape.type) {
      case 'blob':
        return blobEcho;
      case 'timestamp':
        return dateEcho;
      case 'list': {
        const element = compile(shape.member as ShapeRef);
        return (value) => `[${(value as unknown[]).map(element).join(', ')}]`;
      }
      case 'map': {
        const entry = compile(shape.value as ShapeRef);
        return (value) =>
          `{${Object.entries(value as Record<string, unknown>)
            .map(([k, v]) => `${k}=${entry(v)}`)
            .join(', ')}}`;
      }
      case 'structure': {
        const members = Object.entries(shape.members ?? {}).map(([member, ref]) => ({ member, echo: compile(ref) }));
        return (value) => {
          const record = value as Record<string, unknown>;
          const parts: string[] = [];
          for (const { member, echo } of members) {
            const v = record[member];
            if (v !== undefined && v !== null) parts.push(`${member}=${echo(v)}`);
          }
          return `${name}(${parts.join(', ')})`;
        };
      }
      default:
        return plainEcho;
    }
  };

  return compile;
}
