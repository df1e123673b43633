// hex(SHA-256) of a string (UTF-8) or bytes, for the audit chain's hashes. crypto.hash (Node >= 20.12) does it in
// one call, without the Hash object createHash builds (about half the cost for one event); the Node 20 releases
// before it (package.json allows >= 20.6) use createHash.
import * as crypto from 'node:crypto';

export const sha256Hex: (data: string | Buffer) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');
