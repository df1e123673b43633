// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
// Four HMACs per request add up on the hot path; the key only changes with the day, so it is memoised.
// The cache is an object the composition root owns (no module-level state); it is bounded and evicts the
// oldest entry, which is enough: live keys are few (one per access key, region and service per day). It holds
// each key as an HmacSha256Key, whose padded blocks are then computed once per key rather than per request.
import { createHmac } from 'node:crypto';
import { HmacSha256Key } from './hmac-key.ts';
import type { SigningKeyCache } from './types.ts';

export function deriveSigningKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, shortDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function createSigningKeyCache(maxEntries = 256): SigningKeyCache {
  const keys = new Map<string, HmacSha256Key>();
  return {
    get(secretAccessKey, shortDate, region, service) {
      // '\n' cannot occur in a scope part that passed validation, so the key is unambiguous.
      const cacheKey = `${shortDate}\n${region}\n${service}\n${secretAccessKey}`;
      const hit = keys.get(cacheKey);
      if (hit) return hit;
      const derived = new HmacSha256Key(deriveSigningKey(secretAccessKey, shortDate, region, service));
      if (keys.size >= maxEntries) keys.delete(keys.keys().next().value as string);
      keys.set(cacheKey, derived);
      return derived;
    },
  };
}
