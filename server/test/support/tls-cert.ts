// Certificates for the TLS tests, made with the openssl command: a test CA and server certificates it signs
// for 127.0.0.1 and localhost (P-256 keys), each written as a chain (the server's certificate, then the CA's)
// beside its key. Clients trust the CA file, as an operator's clients trust their own CA.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerCertificate {
  /** the chain: the server's certificate, then the CA's */
  certFile: string;
  keyFile: string;
  /** SHA-256 fingerprint of the server's certificate, as node:tls shows it (AA:BB:...) */
  fingerprint256: string;
  /** base64 SHA-256 of its public key (SPKI), as Chromium's --ignore-certificate-errors-spki-list takes it */
  spkiSha256: string;
}

export interface TestCa {
  caFile: string;
  caPem: string;
  /** A new server certificate named `name` (files `<name>.crt`, `<name>.key` in the CA's directory). */
  issue(name: string): ServerCertificate;
}

/** Why the TLS tests cannot run (no openssl), or undefined. Throws under CI. */
export function opensslMissing(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    if (process.env.CI === 'true') throw new Error('the openssl command is missing: the TLS tests need it to make certificates');
    return 'the openssl command is missing (the TLS tests make their certificates with it)';
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(dir: string): TestCa {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    ['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '2', '-subj', '/CN=Coffer test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.crt'],
    dir,
  );
  const caFile = join(dir, 'ca.crt');
  const caPem = readFileSync(caFile, 'utf8');
  return {
    caFile,
    caPem,
    issue(name) {
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
      openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`], dir);
      writeFileSync(
        join(dir, `${name}.ext`),
        [
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=serverAuth',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
          'subjectKeyIdentifier=hash',
          'authorityKeyIdentifier=keyid',
        ].join('\n'),
      );
      openssl(
        ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.leaf.crt`],
        dir,
      );
      const leafPem = readFileSync(join(dir, `${name}.leaf.crt`), 'utf8');
      const certFile = join(dir, `${name}.crt`);
      writeFileSync(certFile, leafPem + caPem);
      const leaf = new X509Certificate(leafPem);
      const spki = leaf.publicKey.export({ type: 'spki', format: 'der' });
      return {
        certFile,
        keyFile: join(dir, `${name}.key`),
        fingerprint256: leaf.fingerprint256,
        spkiSha256: createHash('sha256').update(spki).digest('base64'),
      };
    },
  };
}
