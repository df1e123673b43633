// GET /metrics: who may read it. Metrics hold no secret, name or principal, but they do show what the server is
// asked and how often. Without a token the endpoint answers clients on the loopback interface only, so a
// Prometheus on the same host (or a sidecar sharing its network) works with no setting, and a server listening
// on a public interface does not show its traffic to the network by default. With --metrics-token, every
// client, loopback included, must send `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface MetricsAnswer {
  status: number;
  /** [name, value, ...] */
  headers: string[];
  body: string;
}

export interface MetricsEndpointOptions {
  /** the bearer token clients must send; undefined: loopback clients only */
  token?: string;
  /** the metrics in Prometheus's text format */
  text(): Promise<string>;
  contentType: string;
}

/** 127.0.0.0/8 and ::1 (clientAddress has already turned ::ffff:127.0.0.1 into 127.0.0.1). */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address));
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function createMetricsEndpoint(options: MetricsEndpointOptions) {
  // Compared as digests: equal lengths for timingSafeEqual, and the token's length does not show in the timing.
  const expected = options.token === undefined ? undefined : digest(`Bearer ${options.token}`);

  function refuse(status: number, requestId: string, message: string, extra: string[] = []): MetricsAnswer {
    const type = 'AccessDeniedException';
    const body = JSON.stringify({ __type: type, Message: message });
    return { status, headers: ['content-type', 'application/json', 'x-amzn-requestid', requestId, 'x-amzn-errortype', type, ...extra], body };
  }

  /** The answer to GET /metrics from `sourceIp` with this Authorization header. */
  async function answer(sourceIp: string | undefined, authorization: string | undefined, requestId: string): Promise<MetricsAnswer> {
    if (expected) {
      if (authorization === undefined || !timingSafeEqual(digest(authorization), expected)) {
        return refuse(401, requestId, 'GET /metrics needs the header Authorization: Bearer <the server\'s metrics token>.', ['www-authenticate', 'Bearer']);
      }
    } else if (!isLoopback(sourceIp)) {
      return refuse(403, requestId, 'GET /metrics answers loopback clients only; start the server with --metrics-token to let other clients read it with the token.');
    }
    const body = await options.text();
    return { status: 200, headers: ['content-type', options.contentType, 'cache-control', 'no-store', 'x-amzn-requestid', requestId], body };
  }

  return { answer };
}

export type MetricsEndpoint = ReturnType<typeof createMetricsEndpoint>;
