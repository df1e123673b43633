// Rotation schedules, pure: RotationRules (AutomaticallyAfterDays, or ScheduleExpression rate()/cron(), and
// Duration) parsed and checked, and the next rotation window after a given time. All times are UTC.
//
// AWS's rules (Secrets Manager user guide, "Schedule expressions"): rate() windows start at midnight;
// a schedule in days has a window that closes at the end of the UTC day, one in hours a window of one hour,
// unless Duration says otherwise; the window must not run into the next UTC day or the next window; a
// secret rotates at most every four hours. AWS's cron has six fields, `minutes hours day-of-month month
// day-of-week year`, day-of-week 1-7 with 1 = Sunday, and `?` in one of the two day fields.
import { CronExpressionParser } from 'cron-parser';
import { awsErrors } from '../errors/aws-errors.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MIN_INTERVAL_MS = 4 * HOUR_MS;

export interface RotationRules {
  AutomaticallyAfterDays?: number;
  ScheduleExpression?: string;
  Duration?: string;
}

export type Schedule =
  | { kind: 'days'; days: number; durationMs?: number }
  | { kind: 'hours'; hours: number; durationMs?: number }
  | { kind: 'cron'; fields: string; years: (year: number) => boolean; days?: (t: number) => boolean; hourly: boolean; durationMs?: number };

export interface Window {
  start: number;
  end: number;
}

const invalid = (message: string) => awsErrors.invalidParameter(message);

/** The schedule the rules describe, or undefined when they set none (rotation only on request). */
export function parseRotationRules(rules: RotationRules | undefined): Schedule | undefined {
  if (!rules) return undefined;
  const { AutomaticallyAfterDays: days, ScheduleExpression: expression, Duration: duration } = rules;
  if (days !== undefined && expression !== undefined) {
    throw invalid('You cannot specify both rotation frequency and schedule expression together.');
  }
  const durationMs = duration === undefined ? undefined : parseDuration(duration);
  let schedule: Schedule | undefined;
  if (days !== undefined) schedule = { kind: 'days', days, durationMs };
  else if (expression !== undefined) schedule = parseExpression(expression.trim(), durationMs);
  if (!schedule) {
    if (durationMs !== undefined) throw invalid('A Duration needs a ScheduleExpression or AutomaticallyAfterDays.');
    return undefined;
  }
  checkWindow(schedule);
  return schedule;
}

function parseDuration(duration: string): number {
  const m = /^(\d{1,2})h$/.exec(duration);
  const hours = m ? Number(m[1]) : NaN;
  if (!(hours >= 1 && hours <= 24)) throw invalid(`The rotation window Duration ${duration} is not valid: use 1h to 24h.`);
  return hours * HOUR_MS;
}

function parseExpression(expression: string, durationMs: number | undefined): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) throw invalid(`The schedule expression ${expression} is not valid.`);
    if (rate[2].startsWith('day')) return { kind: 'days', days: n, durationMs };
    if (n < 4) throw invalid('The rotation schedule is too frequent: a secret can rotate at most every four hours.');
    if (n >= 24 && n % 24 !== 0) throw invalid(`The schedule expression ${expression} is not valid: a rate in hours must be less than a day.`);
    return n >= 24 ? { kind: 'days', days: n / 24, durationMs } : { kind: 'hours', hours: n, durationMs };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) throw invalid(`The schedule expression ${expression} is not valid: use rate() or cron().`);
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) throw invalid(`The schedule expression ${expression} is not valid: cron() takes six fields.`);
  const [minutes, hours, dom, month, dow, year] = fields;
  if ((dom === '?') === (dow === '?')) {
    throw invalid(`The schedule expression ${expression} is not valid: use ? in exactly one of day-of-month and day-of-week.`);
  }
  // cron-parser has no W (nearest weekday): such a day-of-month runs as * and the days are filtered here.
  const weekday = /^(\d{1,2}|L)W$/.exec(dom);
  const converted = `0 ${minutes} ${hours} ${weekday ? '*' : dom} ${month} ${awsDayOfWeek(dow)}`;
  try {
    CronExpressionParser.parse(converted, { tz: 'UTC', strict: false });
  } catch {
    throw invalid(`The schedule expression ${expression} is not valid.`);
  }
  const hourly = !/^\d+$/.test(hours);
  const schedule: Schedule = {
    kind: 'cron',
    fields: converted,
    years: yearMatcher(year, expression),
    ...(weekday ? { days: nearestWeekday(weekday[1] === 'L' ? 'last' : Number(weekday[1]), expression) } : {}),
    hourly,
    durationMs,
  };
  // At most every four hours: two consecutive occurrences (from a fixed point) must be that far apart.
  const first = nextCron(schedule, Date.UTC(2030, 0, 1));
  const second = first === undefined ? undefined : nextCron(schedule, first);
  if (first !== undefined && second !== undefined && second - first < MIN_INTERVAL_MS) {
    throw invalid('The rotation schedule is too frequent: a secret can rotate at most every four hours.');
  }
  return schedule;
}

/** AWS numbers days 1-7 from Sunday; cron-parser 0-6. Names (SUN-SAT) and L/#/W forms keep their shape. */
function awsDayOfWeek(field: string): string {
  if (field === '?' || field === '*') return field;
  const day = (digits: string): string => {
    const n = Number(digits);
    if (n < 1 || n > 7) throw invalid(`The day-of-week ${field} is not valid: use 1-7 (1 is Sunday) or SUN-SAT.`);
    return String(n - 1);
  };
  // Only day numbers change: the one a token starts with and the end of a range ('#n' and '/step' stay).
  return field
    .split(',')
    .map((token) => token.replace(/^(\d+)/, (_m, d: string) => day(d)).replace(/-(\d+)/, (_m, d: string) => `-${day(d)}`))
    .join(',');
}

function yearMatcher(field: string, expression: string): (year: number) => boolean {
  if (field === '*') return () => true;
  const parts = field.split(',').map((part) => {
    const m = /^(\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw invalid(`The schedule expression ${expression} is not valid: year ${part}.`);
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : m[3] ? 9999 : from;
    const step = m[3] ? Number(m[3]) : 1;
    return (y: number) => y >= from && y <= to && (y - from) % step === 0;
  });
  return (y) => parts.some((p) => p(y));
}

/**
 * `NW`: the weekday nearest day N of the month (Saturday moves to Friday, Sunday to Monday, never into
 * another month; a month without day N has none); `LW`: the month's last weekday.
 */
function nearestWeekday(day: number | 'last', expression: string): (t: number) => boolean {
  if (day !== 'last' && (day < 1 || day > 31)) throw invalid(`The schedule expression ${expression} is not valid: day-of-month ${day}W.`);
  return (t) => {
    const date = new Date(t);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const target = day === 'last' ? length : day;
    if (target > length) return false;
    const weekdayOf = (d: number) => new Date(Date.UTC(year, month, d)).getUTCDay();
    let chosen = target;
    if (weekdayOf(target) === 6) chosen = target === 1 ? 3 : target - 1;
    else if (weekdayOf(target) === 0) chosen = target === length ? target - 2 : target + 1;
    return date.getUTCDate() === chosen;
  };
}

function nextCron(schedule: Extract<Schedule, { kind: 'cron' }>, after: number): number | undefined {
  const it = CronExpressionParser.parse(schedule.fields, { tz: 'UTC', currentDate: new Date(after), strict: false });
  // A W day-of-month runs as *, so up to a month of candidates may be skipped per match.
  for (let i = 0; i < 50_000; i++) {
    const t = it.next().getTime();
    if (new Date(t).getUTCFullYear() > 9999) return undefined;
    if (schedule.years(new Date(t).getUTCFullYear()) && (!schedule.days || schedule.days(t))) return t;
  }
  return undefined;
}

function windowLength(schedule: Schedule, start: number): number {
  if (schedule.durationMs !== undefined) return schedule.durationMs;
  const daily = schedule.kind === 'days' || (schedule.kind === 'cron' && !schedule.hourly);
  return daily ? startOfDay(start) + DAY_MS - start : HOUR_MS;
}

function checkWindow(schedule: Schedule): void {
  if (schedule.durationMs === undefined) return;
  const interval = schedule.kind === 'hours' ? schedule.hours * HOUR_MS : schedule.kind === 'days' ? schedule.days * DAY_MS : undefined;
  if (interval !== undefined && schedule.durationMs > interval) {
    throw invalid('The rotation window must not extend into the next rotation window.');
  }
  if (schedule.kind === 'cron') {
    const start = nextCron(schedule, Date.UTC(2030, 0, 1));
    if (start !== undefined && start + schedule.durationMs > startOfDay(start) + DAY_MS) {
      throw invalid('The rotation window must not extend into the next UTC day.');
    }
  }
}

export function startOfDay(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The first window that starts after `after` (the last rotation, or when the schedule was set). */
export function nextWindow(schedule: Schedule, after: number): Window | undefined {
  let start: number | undefined;
  if (schedule.kind === 'days') start = startOfDay(after) + schedule.days * DAY_MS;
  else if (schedule.kind === 'hours') {
    const step = schedule.hours * HOUR_MS;
    const day = startOfDay(after);
    start = day + (Math.floor((after - day) / step) + 1) * step;
  } else start = nextCron(schedule, after);
  if (start === undefined) return undefined;
  return { start, end: start + windowLength(schedule, start) };
}
