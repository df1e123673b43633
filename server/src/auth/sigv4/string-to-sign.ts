// StringToSign = Algorithm \n RequestDateTime \n CredentialScope \n hex(SHA256(CanonicalRequest))
import { sha256Hex } from '../../crypto/sha256.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export function stringToSign(amzDate: string, credentialScope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
}
