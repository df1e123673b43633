// HmacSha256Key against node's own createHmac: same digests for short, long, empty and non-ASCII messages.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { HmacSha256Key } from './hmac-key.ts';

describe('HmacSha256Key', () => {
  it('gives createHmac\'s digest', () => {
    const messages = ['', 'a', 'AWS4-HMAC-SHA256\n20261127T103000Z\n20261127/us-east-1/secretsmanager/aws4_request\n' + 'ab'.repeat(32),
      'é€😀 and more', 'x'.repeat(511), 'x'.repeat(512), 'x'.repeat(513), 'é'.repeat(300), 'y'.repeat(5000)];
    for (const length of [0, 1, 16, 32, 63, 64]) {
      const key = randomBytes(length);
      const hmac = new HmacSha256Key(key);
      for (const message of messages) {
        // Twice: the second call reuses the scratch buffers the first one wrote.
        for (let i = 0; i < 2; i++) {
          assert.equal(hmac.hex(message), createHmac('sha256', key).update(message, 'utf8').digest('hex'), `key ${length} bytes`);
        }
      }
    }
  });

  it('refuses a key longer than a block (it would have to be hashed first)', () => {
    assert.throws(() => new HmacSha256Key(randomBytes(65)), RangeError);
  });
});
