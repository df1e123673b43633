import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockContains, parseCidr, parseIp } from './ip-address.ts';
import { parseBool, parseDate, parseNumber } from './scalar-values.ts';

describe('IP blocks (IpAddress / NotIpAddress)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['203.0.113.0/24', '203.0.113.5', true],
    ['203.0.113.0/24', '203.0.114.5', false],
    ['203.0.113.7', '203.0.113.7', true],
    ['203.0.113.7', '203.0.113.8', false],
    ['203.0.113.7/32', '203.0.113.7', true],
    ['0.0.0.0/0', '198.51.100.1', true],
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.128/25', '192.168.1.200', true],
    ['192.168.1.128/25', '192.168.1.100', false],
    ['203.0.113.5/24', '203.0.113.99', true], // host bits below the prefix are ignored
    ['2001:db8::/32', '2001:db8:1234::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::1', '2001:db8:0:0:0:0:0:1', true],
    ['2001:DB8::/32', '2001:db8::abcd', true],
    ['::/0', '2001:db8::1', true],
    ['::1', '::1', true],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['203.0.113.0/24', '::ffff:203.0.113.9', true], // IPv4-mapped IPv6 is the IPv4 address
    ['::ffff:203.0.113.0/120', '203.0.113.9', true],
    ['203.0.113.0/24', '2001:db8::1', false], // families never match each other
    ['2001:db8::/32', '203.0.113.1', false],
    ['::/0', '203.0.113.1', false],
    ['2001:db8::1.2.3.4', '2001:db8::102:304', true], // embedded IPv4 tail
  ];
  for (const [cidr, ip, expected] of cases) {
    it(`${cidr} ${expected ? 'contains' : 'does not contain'} ${ip}`, () => {
      const block = parseCidr(cidr);
      const addr = parseIp(ip);
      assert.ok(block, `block ${cidr}`);
      assert.ok(addr, `address ${ip}`);
      assert.equal(blockContains(block, addr), expected);
    });
  }

  const invalid = ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/-1', 'a.b.c.d',
    '2001:db8::1::2', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', '2001:db8::/129', 'gggg::1', '::ffff:1.2.3.4/95', 'localhost'];
  for (const bad of invalid) {
    it(`refuses '${bad}'`, () => assert.equal(parseCidr(bad), undefined));
  }
});

describe('numbers (Numeric*)', () => {
  const cases: Array<[string, number | undefined]> = [
    ['0', 0], ['7', 7], ['-7', -7], ['+7', 7], ['3.5', 3.5], ['.5', 0.5], ['5.', 5], ['007', 7],
    ['', undefined], ['1e3', undefined], ['0x10', undefined], ['seven', undefined], ['1 ', undefined], ['1,5', undefined],
  ];
  for (const [text, n] of cases) it(`'${text}' -> ${n}`, () => assert.equal(parseNumber(text), n));
});

describe('dates (Date*): ISO 8601 or epoch seconds, UTC unless a zone is given', () => {
  const utc = (s: string) => Date.parse(s);
  const cases: Array<[string, number | undefined]> = [
    ['2026-01-31T12:00:00Z', utc('2026-01-31T12:00:00Z')],
    ['2026-01-31T12:00:00', utc('2026-01-31T12:00:00Z')],
    ['2026-01-31', utc('2026-01-31T00:00:00Z')],
    ['2026-01-31T12:00Z', utc('2026-01-31T12:00:00Z')],
    ['2026-01-31T12:00:00.250Z', utc('2026-01-31T12:00:00.250Z')],
    ['2026-01-31T12:00:00+02:00', utc('2026-01-31T10:00:00Z')],
    ['2026-01-31T12:00:00-0530', utc('2026-01-31T17:30:00Z')],
    ['1769860800', 1769860800 * 1000],
    ['0', 0],
    ['2026-02-30', undefined],
    ['2026-13-01', undefined],
    ['2026-01-31T24:00:00Z', undefined],
    ['31/01/2026', undefined],
    ['yesterday', undefined],
    ['', undefined],
  ];
  for (const [text, ms] of cases) it(`'${text}'`, () => assert.equal(parseDate(text), ms));
});

describe('booleans (Bool)', () => {
  const cases: Array<[string, boolean | undefined]> = [
    ['true', true], ['false', false], ['TRUE', true], ['False', false], ['1', undefined], ['yes', undefined], ['', undefined],
  ];
  for (const [text, b] of cases) it(`'${text}' -> ${b}`, () => assert.equal(parseBool(text), b));
});
