// `npm run bench:sigv4 [N]`: CPU time per SigV4 authentication of a GetSecretValue request in-process: the
// authenticator the server uses (access-key store on SQLite, derived-key cache), over 100 requests signed by
// @smithy/signature-v4 with the headers the SDK sends, rawHeaders included as node:http gives them.
// Three rounds of N calls (default 100,000). Every call reads the store's change token and the access key's row
// through the read cache, as on a live server; its opened secret and the derived signing key are kept after the
// first call.
import { randomBytes, randomUUID } from 'node:crypto';
import { createAccessKeyStore } from '../src/auth/access-keys.ts';
import { createAuthenticator } from '../src/auth/authenticate.ts';
import { signWithSmithy } from '../src/auth/sigv4/test-signer.ts';
import type { SignedRequest } from '../src/auth/sigv4/index.ts';
import { rootKeyFromBytes } from '../src/crypto/root-key.ts';
import { openStore } from '../src/store/db.ts';
import { createReadCache } from '../src/store/read-cache.ts';

const N = Number(process.argv[2] ?? 100_000);
const store = await openStore({ kind: 'sqlite', path: ':memory:' });
try {
  const keys = createAccessKeyStore(store, rootKeyFromBytes(randomBytes(32)));
  const key = await keys.create({ accountId: '000000000000', arn: 'arn:aws:iam::000000000000:root' }, Date.now());
  const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  const requests: SignedRequest[] = [];
  for (let i = 0; i < 100; i++) {
    const body = JSON.stringify({ SecretId: `bench/secret-${i}` });
    const signed = await signWithSmithy({
      credentials,
      region: 'us-east-1',
      service: 'secretsmanager',
      signingDate: new Date(),
      headers: {
        host: 'localhost:4566',
        'content-type': 'application/x-amz-json-1.1',
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-target': 'secretsmanager.GetSecretValue',
        'user-agent': 'aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2 api/secrets-manager#3.700.0 m/E',
        'x-amz-user-agent': 'aws-sdk-js/3.700.0',
        'amz-sdk-invocation-id': randomUUID(),
        'amz-sdk-request': 'attempt=1; max=3',
      },
      body,
    });
    // node:http's rawHeaders: names as the client wrote them (the SDK writes lowercase), plus what
    // Node's client adds on its own.
    const rawHeaders = Object.entries(signed.headers).flatMap(([name, value]) => [name, String(value)]);
    rawHeaders.push('Connection', 'keep-alive');
    requests.push({ ...signed, headers: { ...signed.headers, connection: 'keep-alive' }, rawHeaders });
  }
  const authenticator = createAuthenticator(keys, createReadCache({ changeToken: store.changeToken }), Date.now);
  const services = ['secretsmanager'];
  for (let round = 0; round < 3; round++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const caller = await authenticator.authenticate(requests[i % requests.length], services);
      if (caller.accessKeyId !== key.accessKeyId) throw new Error('wrong caller');
    }
    const t = process.cpuUsage(t0);
    console.log(`round ${round}: ${((t.user + t.system) / N).toFixed(2)} µs CPU per SigV4 authentication`);
  }
} finally {
  await store.close();
}
