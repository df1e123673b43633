// Numbers, dates and booleans as the condition operators read them. Policy values are parsed once at
// compile time (an unparseable one is a policy error); request values are parsed at evaluation and an
// unparseable one simply does not match.

/** Integers and decimals (IAM: "Numeric condition operators"); no exponents, no hex. */
export function parseNumber(s: string): number | undefined {
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return undefined;
  return Number(s);
}

// W3C profile of ISO 8601 as IAM documents for date conditions: a date, optionally a time with
// optional seconds and fraction, optionally a zone (Z or ±hh:mm / ±hhmm). No zone means UTC, as in AWS
// (aws:CurrentTime is always UTC) — not the local time Date.parse would assume.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch. Accepts ISO 8601 or epoch seconds (aws:EpochTime is epoch seconds). */
export function parseDate(s: string): number | undefined {
  if (/^-?\d+(?:\.\d+)?$/.test(s)) return Number(s) * 1000;
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2024-02-31 over to March: refuse days past the end of the month instead.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const sign = digits[0] === '-' ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return utc - offsetMinutes * 60_000;
}

/** IAM Bool values are the strings "true" / "false" (JSON booleans arrive here stringified). */
export function parseBool(s: string): boolean | undefined {
  const lower = s.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}
