// The server's TLS settings: the certificate and key read from their PEM files, TLS 1.2 or newer, and the
// reload on SIGHUP. A reload swaps the secure context of the listening server (setSecureContext): open
// connections keep the context they shook hands with, new ones get the new certificate.
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/**
 * TLS 1.3's suites (OpenSSL's defaults) and, for TLS 1.2, only forward-secret AEAD suites: Mozilla's
 * "intermediate" list without the DHE ones (they need parameters of our own and add nothing for today's clients).
 */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export const TLS_MIN_VERSION = 'TLSv1.2';

/**
 * Reads and checks the files: a missing file, a PEM that does not parse, or a key that is not the
 * certificate's throws an error naming the files (never their content).
 */
export function loadTlsOptions(files: TlsFiles): SecureContextOptions {
  const read = (what: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const options: SecureContextOptions = {
    cert: read('certificate', files.certFile),
    key: read('key', files.keyFile),
    minVersion: TLS_MIN_VERSION,
    ciphers: TLS12_CIPHERS,
  };
  try {
    // OpenSSL parses both and checks that the key belongs to the certificate.
    createSecureContext(options);
  } catch (err) {
    throw new Error(`the TLS certificate ${files.certFile} and key ${files.keyFile} are not usable: ${openSslReason(err)}`);
  }
  return options;
}

/**
 * Reads the files again and puts the new certificate in place for new connections. A file that is missing or
 * bad leaves the running certificate as it is; the error says why.
 */
export function reloadCertificate(server: TlsServer, files: TlsFiles): void {
  server.setSecureContext(loadTlsOptions(files));
}

/** OpenSSL's reason without the stack: e.g. "key values mismatch", "no start line". */
function openSslReason(err: unknown): string {
  const e = err as { reason?: string; message?: string };
  return e.reason ?? e.message ?? String(err);
}
