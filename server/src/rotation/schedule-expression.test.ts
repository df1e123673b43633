import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../errors/aws-errors.ts';
import { nextWindow, parseRotationRules } from './schedule-expression.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const at = (s: string) => Date.parse(s);
function windowOf(rules: Parameters<typeof parseRotationRules>[0], after: string) {
  const w = nextWindow(parseRotationRules(rules)!, at(after))!;
  return [iso(w.start), iso(w.end)];
}
function refused(rules: Parameters<typeof parseRotationRules>[0], pattern: RegExp) {
  assert.throws(() => parseRotationRules(rules), (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException' && pattern.test(e.message));
}

test('AutomaticallyAfterDays and rate(n days): the window is the whole UTC day, n days on', () => {
  assert.deepEqual(windowOf({ AutomaticallyAfterDays: 30 }, '2024-01-01T15:20:00Z'), ['2024-01-31T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
  assert.deepEqual(windowOf({ ScheduleExpression: 'rate(10 days)', Duration: '3h' }, '2024-01-01T15:20:00Z'), ['2024-01-11T00:00:00.000Z', '2024-01-11T03:00:00.000Z']);
});

test('rate(n hours): windows from midnight every n hours, one hour long by default', () => {
  assert.deepEqual(windowOf({ ScheduleExpression: 'rate(6 hours)' }, '2024-01-01T07:00:00Z'), ['2024-01-01T12:00:00.000Z', '2024-01-01T13:00:00.000Z']);
  refused({ ScheduleExpression: 'rate(2 hours)' }, /four hours/);
  refused({ ScheduleExpression: 'rate(6 hours)', Duration: '7h' }, /next rotation window/);
});

test("AWS's six-field cron in UTC: day-of-week 1-7 from Sunday, nth weekday, last day, year", () => {
  // 10:00 on the third Friday (6#3) of each month
  assert.deepEqual(windowOf({ ScheduleExpression: 'cron(0 10 ? * 6#3 *)', Duration: '2h' }, '2024-01-01T00:00:00Z'), ['2024-01-19T10:00:00.000Z', '2024-01-19T12:00:00.000Z']);
  // 08:00 on the last day of the month, window to the end of the day
  assert.deepEqual(windowOf({ ScheduleExpression: 'cron(0 8 L * ? *)' }, '2024-02-01T00:00:00Z'), ['2024-02-29T08:00:00.000Z', '2024-03-01T00:00:00.000Z']);
  // every Sunday (1) and Wednesday (4) at 16:00
  assert.deepEqual(windowOf({ ScheduleExpression: 'cron(0 16 ? * 1,4 *)' }, '2024-01-01T00:00:00Z'), ['2024-01-03T16:00:00.000Z', '2024-01-04T00:00:00.000Z']);
  assert.deepEqual(windowOf({ ScheduleExpression: 'cron(0 16 ? * SUN *)' }, '2024-01-01T00:00:00Z'), ['2024-01-07T16:00:00.000Z', '2024-01-08T00:00:00.000Z']);
  // only in 2026
  assert.deepEqual(windowOf({ ScheduleExpression: 'cron(0 0 1 1 ? 2026)' }, '2024-06-01T00:00:00Z')[0], '2026-01-01T00:00:00.000Z');
  // every 4 hours: an hourly schedule, one-hour window
  assert.deepEqual(windowOf({ ScheduleExpression: 'cron(0 */4 * * ? *)' }, '2024-01-01T01:00:00Z'), ['2024-01-01T04:00:00.000Z', '2024-01-01T05:00:00.000Z']);
});

test('invalid rules are refused with InvalidParameterException', () => {
  refused({ AutomaticallyAfterDays: 3, ScheduleExpression: 'rate(3 days)' }, /both rotation frequency and schedule expression/);
  refused({ ScheduleExpression: 'cron(0 10 * * *)' }, /six fields/);
  refused({ ScheduleExpression: 'cron(0 10 * * * *)' }, /\?/);
  refused({ ScheduleExpression: 'cron(0 * * * ? *)' }, /four hours/);
  refused({ ScheduleExpression: 'cron(0 22 * * ? *)', Duration: '4h' }, /next UTC day/);
  refused({ ScheduleExpression: 'every day' }, /rate\(\) or cron\(\)/);
  refused({ ScheduleExpression: 'cron(0 10 ? * 9 *)' }, /day-of-week/);
  assert.equal(parseRotationRules({}), undefined);
});

test('W in day-of-month: the nearest weekday, never in another month; LW the last weekday', () => {
  const start = (expression: string, after: string) => windowOf({ ScheduleExpression: expression, Duration: '1h' }, after)[0];
  // 15 November 2026 is a Sunday: the Monday after; 15 August 2026 is a Saturday: the Friday before.
  assert.equal(start('cron(0 10 15W * ? *)', '2026-11-01T00:00:00Z'), '2026-11-16T10:00:00.000Z');
  assert.equal(start('cron(0 10 15W * ? *)', '2026-08-01T00:00:00Z'), '2026-08-14T10:00:00.000Z');
  // 1 August 2026 is a Saturday: Monday the 3rd, not Friday 31 July.
  assert.equal(start('cron(0 10 1W * ? *)', '2026-07-15T00:00:00Z'), '2026-08-03T10:00:00.000Z');
  // 30 November 2026 is a Monday; 31 January 2027 a Sunday, so its last weekday is Friday the 29th.
  assert.equal(start('cron(0 10 LW * ? *)', '2026-11-01T00:00:00Z'), '2026-11-30T10:00:00.000Z');
  assert.equal(start('cron(0 10 LW * ? *)', '2027-01-01T00:00:00Z'), '2027-01-29T10:00:00.000Z');
  refused({ ScheduleExpression: 'cron(0 10 32W * ? *)' }, /32W/);
});
