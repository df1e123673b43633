// IPv4 and IPv6 addresses and CIDR blocks for IpAddress / NotIpAddress (IAM: "IP address condition
// operators"; values follow RFC 4632 CIDR notation). A bare address is a /32 (IPv4) or /128 (IPv6) block.
// An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the IPv4 address it maps, so a caller that reaches a
// dual-stack listener over IPv4 still matches an IPv4 CIDR. Host bits set below the prefix are accepted.

export interface IpBlock {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(s: string): Uint8Array | undefined {
  const m = IPV4.exec(s);
  if (!m) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1];
    // Leading zeros are ambiguous (octal in some parsers): refuse them rather than guess.
    if (part.length > 1 && part[0] === '0') return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseV4(item);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) out.push(parseInt(item, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** One address, IPv4-mapped IPv6 folded to IPv4. */
export function parseIp(s: string): { version: 4 | 6; bytes: Uint8Array } | undefined {
  const v4 = parseV4(s);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseV6(s);
  if (!v6) return undefined;
  if (isV4Mapped(v6)) return { version: 4, bytes: v6.slice(12) };
  return { version: 6, bytes: v6 };
}

export function parseCidr(s: string): IpBlock | undefined {
  const slash = s.indexOf('/');
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const max = addr.version === 4 ? 32 : 128;
  if (slash < 0) return { ...addr, prefix: max };
  const p = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p)) return undefined;
  let prefix = Number(p);
  // A mapped address written with an IPv6 prefix: convert the prefix to the IPv4 one.
  const writtenV6 = !parseV4(s.slice(0, slash));
  if (addr.version === 4 && writtenV6) {
    if (prefix > 128 || prefix < 96) return undefined;
    prefix -= 96;
  }
  if (prefix > max) return undefined;
  return { ...addr, prefix };
}

export function blockContains(block: IpBlock, ip: { version: 4 | 6; bytes: Uint8Array }): boolean {
  if (block.version !== ip.version) return false;
  let bits = block.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((block.bytes[i] & mask) !== (ip.bytes[i] & mask)) return false;
  }
  return true;
}
