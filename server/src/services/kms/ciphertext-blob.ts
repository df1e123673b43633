// KMS ciphertext blobs are self-describing, so Decrypt needs no KeyId:
// [blob format 1][16-byte key id (UUID)][4-byte material version][sealed bytes (see crypto/aead.ts)].
const BLOB_V1 = 1;
const HEADER = 1 + 16 + 4;

export interface BlobParts {
  keyId: string;
  materialVersion: number;
  sealed: Buffer;
}

export function encodeBlob(parts: BlobParts): Buffer {
  const header = Buffer.alloc(HEADER);
  header[0] = BLOB_V1;
  Buffer.from(parts.keyId.replace(/-/g, ''), 'hex').copy(header, 1);
  header.writeUInt32BE(parts.materialVersion, 17);
  return Buffer.concat([header, parts.sealed]);
}

export function decodeBlob(blob: Buffer): BlobParts | undefined {
  if (blob.length <= HEADER || blob[0] !== BLOB_V1) return undefined;
  const hex = blob.subarray(1, 17).toString('hex');
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { keyId, materialVersion: blob.readUInt32BE(17), sealed: blob.subarray(HEADER) };
}
