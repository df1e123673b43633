// The request time: X-Amz-Date (ISO 8601 basic, 20261127T103000Z) or, without it, the HTTP Date header
// (IMF-fixdate, "Fri, 27 Nov 2026 10:30:00 GMT", or the basic form). The string to sign always carries
// the basic form. AWS allows 15 minutes of skew either way; its two messages are parsed by older SDKs
// to correct their clocks, so their format is kept to the character.
import { sigv4Errors } from './sigv4-errors.ts';

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

const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseBasic(raw: string): Date | undefined {
  const m = BASIC.exec(raw);
  return m ? utc(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
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
