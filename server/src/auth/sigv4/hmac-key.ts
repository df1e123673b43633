// HMAC-SHA256 (RFC 2104) under one fixed key: the signature every request needs. createHmac builds a stream
// object per call, which costs about as much again as the hashing of a message this short; with the key's
// two padded blocks written once into scratch buffers, an HMAC is two one-shot crypto.hash calls. Node 20
// releases before 20.12 have no crypto.hash and use createHmac.
import * as crypto from 'node:crypto';

const BLOCK = 64; // SHA-256 block size, bytes
const DIGEST = 32;
/** Room for a string to sign (about 150 bytes); a longer message gets a buffer of its own. */
const MESSAGE_ROOM = 512;
const oneShot = typeof crypto.hash === 'function';

export class HmacSha256Key {
  // inner = (key ^ ipad) || message, outer = (key ^ opad) || inner digest; the pads are written once, here.
  // Calls are synchronous, so one key's scratch buffers are never used by two calls at once.
  private readonly inner = Buffer.alloc(BLOCK + MESSAGE_ROOM);
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);
  // The inner block's view for the last message size: a client's strings to sign all have one length.
  private view = this.inner.subarray(0, BLOCK);

  constructor(readonly key: Buffer) {
    // A key longer than a block would be hashed first; SigV4 keys are 32 bytes.
    if (key.length > BLOCK) throw new RangeError('HMAC-SHA256 key longer than a block');
    for (let i = 0; i < BLOCK; i++) {
      const byte = i < key.length ? key[i] : 0;
      this.inner[i] = byte ^ 0x36;
      this.outer[i] = byte ^ 0x5c;
    }
  }

  /** hex(HMAC-SHA256(key, message)), the message taken as UTF-8. */
  hex(message: string): string {
    if (!oneShot) return crypto.createHmac('sha256', this.key).update(message, 'utf8').digest('hex');
    const size = Buffer.byteLength(message);
    let view: Buffer;
    if (size > MESSAGE_ROOM) {
      view = Buffer.alloc(BLOCK + size);
      this.inner.copy(view, 0, 0, BLOCK);
    } else {
      if (this.view.length !== BLOCK + size) this.view = this.inner.subarray(0, BLOCK + size);
      view = this.view;
    }
    view.write(message, BLOCK, 'utf8');
    // 'binary' (latin1) carries the digest's bytes through a string unchanged, one byte per character.
    this.outer.write(crypto.hash('sha256', view, 'binary'), BLOCK, 'binary');
    return crypto.hash('sha256', this.outer, 'hex');
  }
}
