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
  // The entry last returned (always still in the map): consecutive requests mostly share a key, and then
  // the map key (which holds the secret) need not be built and hashed.
  let last: { secretAccessKey: string; shortDate: string; region: string; service: string; key: HmacSha256Key } | undefined;
  return {
    get(secretAccessKey, shortDate, region, service) {
      if (
        last !== undefined &&
        last.secretAccessKey === secretAccessKey &&
        last.shortDate === shortDate &&
        last.region === region &&
        last.service === service
      ) {
        return last.key;
      }
      // '\n' cannot occur in a scope part that passed validation, so the key is unambiguous.
      const cacheKey = `${shortDate}\n${region}\n${service}\n${secretAccessKey}`;
      let key = keys.get(cacheKey);
      if (key === undefined) {
        key = new HmacSha256Key(deriveSigningKey(secretAccessKey, shortDate, region, service));
        if (keys.size >= maxEntries) keys.delete(keys.keys().next().value as string);
        keys.set(cacheKey, key);
      }
      last = { secretAccessKey, shortDate, region, service, key };
      return key;
    },
  };
}
