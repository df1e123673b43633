// The rotation form's schedule preview: days and rate() arithmetic, and AWS's six-field cron.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextCronTimes } from '../src/features/secrets/aws-cron.ts';
import { previewDates, scheduleProblem } from '../src/features/secrets/schedule.ts';

const iso = (dates: Date[] | undefined) => dates?.map((d) => d.toISOString().slice(0, 16));
const from = new Date('2026-11-27T23:00:00Z'); // a Friday

test('cron: nth weekday, last day, weekday ranges with a year, nearest weekday, steps', () => {
  assert.deepEqual(iso(nextCronTimes('0 10 ? * 6#3 *', from)), ['2026-12-18T10:00', '2027-01-15T10:00', '2027-02-19T10:00']);
  assert.deepEqual(iso(nextCronTimes('0 0 L * ? *', from)), ['2026-11-30T00:00', '2026-12-31T00:00', '2027-01-31T00:00']);
  assert.deepEqual(iso(nextCronTimes('30 8 ? * MON-FRI 2026', from)), ['2026-11-30T08:30', '2026-12-01T08:30', '2026-12-02T08:30']);
  assert.deepEqual(iso(nextCronTimes('0 12 15W * ? *', new Date('2026-08-01T00:00:00Z'))), ['2026-08-14T12:00', '2026-09-15T12:00', '2026-10-15T12:00']);
  assert.deepEqual(iso(nextCronTimes('0 */8 * * ? *', from)), ['2026-11-28T00:00', '2026-11-28T08:00', '2026-11-28T16:00']);
  assert.deepEqual(iso(nextCronTimes('0 9 ? * 6L *', from)), ['2026-12-25T09:00', '2027-01-29T09:00', '2027-02-26T09:00']);
  assert.deepEqual(nextCronTimes('0 0 1 1 ? 2020', from), []);
});

test('cron: malformed expressions are explained', () => {
  assert.throws(() => nextCronTimes('0 10 * * *', from), /six fields/);
  assert.throws(() => nextCronTimes('0 10 * * * *', from), /Use \? in exactly one/);
  assert.throws(() => nextCronTimes('61 10 * * ? *', from), /out of range/);
  assert.equal(scheduleProblem({ kind: 'expression', expression: 'cron(0 10 * * * *)' }), 'Use ? in exactly one of day-of-month and day-of-week.');
  assert.match(scheduleProblem({ kind: 'expression', expression: 'every day' })!, /rate\(N days\)/);
  assert.equal(scheduleProblem({ kind: 'days', days: 0 }), 'Enter a whole number of days from 1 to 1000.');
});

test('days and rate(): every N from now', () => {
  assert.deepEqual(iso(previewDates({ kind: 'days', days: 30 }, from)), ['2026-12-27T23:00', '2027-01-26T23:00', '2027-02-25T23:00']);
  assert.deepEqual(iso(previewDates({ kind: 'expression', expression: 'rate(6 hours)' }, from, 2)), ['2026-11-28T05:00', '2026-11-28T11:00']);
  assert.deepEqual(iso(previewDates({ kind: 'expression', expression: 'cron(0 10 ? * 6#3 *)' }, from, 1)), ['2026-12-18T10:00']);
});
