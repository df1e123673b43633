// The request time: X-Amz-Date (ISO 8601 basic, 20261127T103000Z) or, without it, the HTTP Date header
// (IMF-fixdate, "Fri, 27 Nov 2026 10:30:00 GMT", or the basic form). The string to sign always carries
// the basic form. AWS allows 15 minutes of skew either way; its two messages are parsed by older SDKs
// to correct their clocks, so their format is kept to the character.
import { sigv4Errors } from './sigv4-errors.ts';
import { rememberLast } from './last-value.ts';

export const MAX_SKEW_MS = 15 * 60 * 1000;

export interface RequestTime {
  /** ISO 8601 basic format, as it goes into the string to sign. */
  amzDate: string;
  time: Date;
}

const IMF_FIXDATE = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function readRequestTime(amzDate: string | undefined, httpDate: string | undefined): RequestTime {
  const raw = (amzDate ?? httpDate ?? '').trim();
  const basic = parseBasic(raw);
  // A valid basic-format value round-trips, so it is the string-to-sign form as is (the common case).
  if (basic !== undefined) return { amzDate: raw, time: basic };
  const time = amzDate === undefined ? parseImfFixdate(raw) : undefined;
  if (time === undefined) {
    throw sigv4Errors.incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${raw}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return { amzDate: formatBasic(time), time };
}

/** `now` in epoch milliseconds. */
export function checkClockSkew(time: Date, now: number): void {
  // Whole seconds, so the message never reads "X is now earlier than X".
  const server = Math.floor(now / 1000) * 1000;
  const request = time.getTime();
  if (request < server - MAX_SKEW_MS) {
    throw sigv4Errors.invalidSignature(
      `Signature expired: ${formatBasic(time)} is now earlier than ${formatBasic(new Date(server - MAX_SKEW_MS))} ` +
        `(${formatBasic(new Date(server))} - 15 min.)`,
    );
  }
  if (request > server + MAX_SKEW_MS) {
    throw sigv4Errors.invalidSignature(
      `Signature not yet current: ${formatBasic(time)} is still later than ${formatBasic(new Date(server + MAX_SKEW_MS))} ` +
        `(${formatBasic(new Date(server))} + 15 min.)`,
    );
  }
}

export function formatBasic(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch ms of a basic-format value; requests signed within the same second repeat it, and it is read once. */
const basicTime = rememberLast((raw: string) => parseBasicDigits(raw)?.getTime());

/** A new Date per request: the caller keeps it as the signing date. */
function parseBasic(raw: string): Date | undefined {
  const ms = basicTime(raw);
  return ms === undefined ? undefined : new Date(ms);
}

// YYYYMMDDTHHMMSSZ, read digit by digit (every request carries one; a regular expression costs more).
function parseBasicDigits(raw: string): Date | undefined {
  if (raw.length !== 16 || raw.charCodeAt(8) !== 0x54 /* T */ || raw.charCodeAt(15) !== 0x5a /* Z */) return undefined;
  const year = digits(raw, 0, 4);
  const month = digits(raw, 4, 6);
  const day = digits(raw, 6, 8);
  const hour = digits(raw, 9, 11);
  const minute = digits(raw, 11, 13);
  const second = digits(raw, 13, 15);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  return utc(year, month - 1, day, hour, minute, second);
}

/** The decimal number in raw[from, to), or -1 if a character there is not an ASCII digit. */
function digits(raw: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = raw.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function parseImfFixdate(raw: string): Date | undefined {
  const m = IMF_FIXDATE.exec(raw);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]);
  if (month < 0) return undefined;
  return utc(+m[3], month, +m[1], +m[4], +m[5], +m[6]);
}

// Date.UTC rolls over out-of-range fields (Feb 30 -> Mar 2); a real timestamp round-trips unchanged.
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | undefined {
  const date = new Date(Date.UTC(year, month, day, hour, minute, second));
  const ok =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return ok ? date : undefined;
}
