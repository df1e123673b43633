// PostgreSQL accepts a SCRAM-SHA-256 verifier where a password goes (ALTER ROLE ... PASSWORD), as psql's
// \password sends it: the password itself then never reaches the server's statement log or
// pg_stat_statements. RFC 5802 / RFC 7677, PostgreSQL's storage format and its 4096 iterations.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/**
 * The verifier, or undefined for a password SASLprep could change (PostgreSQL normalizes non-ASCII ones;
 * the caller sends those as they are). Generated passwords are printable ASCII.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string | undefined {
  if (!/^[\x21-\x7e]*$/.test(password)) return undefined;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
