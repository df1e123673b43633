// The Coffer admin API (models/coffer-admin.json: AWS JSON 1.1, target CofferAdmin.*, signing name coffer)
// has no published SDK, so this signs each call with the SDK's own SignatureV4 and SHA-256, as the CLI does.
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { ApiError } from './errors.ts';

export interface AdminClient {
  call<T = Record<string, unknown>>(operation: string, input?: Record<string, unknown>): Promise<T>;
}

export function createAdminClient(options: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }): AdminClient {
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'coffer', sha256: Sha256 });
  const url = new URL(options.endpoint);
  return {
    async call<T>(operation: string, input: Record<string, unknown> = {}): Promise<T> {
      const body = JSON.stringify(input);
      const request = new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CofferAdmin.${operation}` },
        body,
      });
      const signed = await signer.sign(request);
      const headers = { ...signed.headers };
      delete headers.host; // the browser sets Host itself (to the same value)
      const response = await fetch(new URL('/', url), { method: 'POST', headers, body, credentials: 'omit' });
      const text = await response.text();
      const payload = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (!response.ok) {
        const type = String(payload.__type ?? response.headers.get('x-amzn-errortype') ?? 'Error').split('#').pop()!;
        throw new ApiError(type, String(payload.Message ?? payload.message ?? `HTTP ${response.status}`));
      }
      return payload as T;
    },
  };
}
