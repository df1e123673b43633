// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), and the
// signature = hex(HMAC(kSigning, StringToSign)). The derived key only changes with the day, so, as the AWS
// SDKs do, it is kept: in a cache object the composition root creates (no module state), bounded, dropping
// the oldest entry first. Live keys are few (one per access key, region and service per day).
import { createHmac } from 'node:crypto';
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
  const keys = new Map<string, Buffer>();
  return {
    get(secretAccessKey, shortDate, region, service) {
      // '\n' cannot occur in a scope part that passed validation, so the key is unambiguous.
      const cacheKey = `${shortDate}\n${region}\n${service}\n${secretAccessKey}`;
      let key = keys.get(cacheKey);
      if (key === undefined) {
        key = deriveSigningKey(secretAccessKey, shortDate, region, service);
        if (keys.size >= maxEntries) keys.delete(keys.keys().next().value as string);
        keys.set(cacheKey, key);
      }
      return key;
    },
  };
}
