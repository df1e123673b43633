// AWS's six-field cron (`minutes hours day-of-month month day-of-week year`, UTC), evaluated in the browser
// only to preview the next rotation dates in the form; the server's evaluation is the one that counts.
// Supported: lists, ranges, steps (*/n, a/n, a-b/n), month and weekday names, `?`, `L` (last day of the
// month; `nL` last weekday n), `W` (nearest weekday), `#` (nth weekday). Day-of-week 1-7 is Sunday-Saturday.
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function values(field: string, min: number, max: number, names: string[] = []): Set<number> | undefined {
  const out = new Set<number>();
  const num = (s: string) => {
    const i = names.indexOf(s.toUpperCase());
    const n = i >= 0 ? i + 1 : Number(s);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${s} is out of range`);
    return n;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step ${stepText}`);
    let lo: number, hi: number;
    if (range === '*' || range === '?') { lo = min; hi = max; }
    else if (range.includes('-')) { const [a, b] = range.split('-'); lo = num(a); hi = num(b); }
    else { lo = num(range); hi = stepText === undefined ? lo : max; }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

type DayTest = (date: Date) => boolean;

function dayOfMonthTest(field: string): DayTest {
  if (field === '?' || field === '*') return () => true;
  const lastDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  if (field === 'L') return (d) => d.getUTCDate() === lastDay(d);
  const w = /^(\d+)W$/.exec(field);
  if (w) {
    const target = Number(w[1]);
    return (d) => {
      const last = lastDay(d);
      const t = Math.min(target, last);
      const base = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), t));
      const dow = base.getUTCDay();
      let day = t;
      if (dow === 6) day = t === 1 ? 3 : t - 1;
      else if (dow === 0) day = t === last ? t - 2 : t + 1;
      return d.getUTCDate() === day;
    };
  }
  const set = values(field, 1, 31)!;
  return (d) => set.has(d.getUTCDate());
}

function dayOfWeekTest(field: string): DayTest {
  if (field === '?' || field === '*') return () => true;
  const hash = /^(\w+)#(\d)$/.exec(field);
  if (hash) {
    const dow = [...values(hash[1], 1, 7, DAYS)!][0] - 1;
    const nth = Number(hash[2]);
    return (d) => d.getUTCDay() === dow && Math.ceil(d.getUTCDate() / 7) === nth;
  }
  const last = /^(\w+)L$/.exec(field);
  if (last) {
    const dow = [...values(last[1], 1, 7, DAYS)!][0] - 1;
    return (d) => d.getUTCDay() === dow && d.getUTCDate() + 7 > new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  }
  if (field === 'L') return (d) => d.getUTCDay() === 6;
  const set = values(field, 1, 7, DAYS)!;
  return (d) => set.has(d.getUTCDay() + 1);
}

/** The next `count` times after `from` that the cron body (inside `cron(...)`) names; throws on a bad field. */
export function nextCronTimes(body: string, from: Date, count = 3): Date[] {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error('A cron expression has six fields: minutes hours day-of-month month day-of-week year.');
  const [minF, hourF, domF, monF, dowF, yearF] = fields;
  if ((domF === '?') === (dowF === '?')) throw new Error('Use ? in exactly one of day-of-month and day-of-week.');
  const minutes = [...values(minF, 0, 59)!].sort((a, b) => a - b);
  const hours = [...values(hourF, 0, 23)!].sort((a, b) => a - b);
  const months = values(monF, 1, 12, MONTHS)!;
  const years = yearF === '*' ? undefined : values(yearF, 1970, 2199)!;
  const domOk = dayOfMonthTest(domF);
  const dowOk = dayOfWeekTest(dowF);
  const out: Date[] = [];
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let day = 0; day < 366 * 5 && out.length < count; day++) {
    const d = new Date(start + day * 86_400_000);
    if (years && !years.has(d.getUTCFullYear())) continue;
    if (!months.has(d.getUTCMonth() + 1) || !domOk(d) || !dowOk(d)) continue;
    for (const h of hours) for (const m of minutes) {
      const t = new Date(d.getTime() + h * 3_600_000 + m * 60_000);
      if (t > from && out.length < count) out.push(t);
    }
  }
  return out;
}
