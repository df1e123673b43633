// Previews the next rotation dates of a schedule, so the form can show them before saving. Days and
// rate() are arithmetic from now (UTC); cron() is evaluated by aws-cron.ts. The server's NextRotationDate,
// shown after saving, is the one that counts (it also applies the rotation window).
import { nextCronTimes } from './aws-cron.ts';
export type Schedule = { kind: 'days'; days: number } | { kind: 'expression'; expression: string };

export function scheduleProblem(s: Schedule): string | undefined {
  if (s.kind === 'days') return Number.isInteger(s.days) && s.days >= 1 && s.days <= 1000 ? undefined : 'Enter a whole number of days from 1 to 1000.';
  const e = s.expression.trim();
  if (/^rate\(\s*\d+\s+(hours?|days?)\s*\)$/.test(e)) return undefined;
  const cron = /^cron\((.+)\)$/.exec(e);
  if (cron) {
    try { nextCronTimes(cron[1], new Date(), 1); return undefined; } catch (err) { return (err as Error).message; }
  }
  return 'Enter rate(N days), rate(N hours) or a six-field cron(...) expression.';
}

export function previewDates(s: Schedule, from: Date, count = 3): Date[] | undefined {
  let stepMs: number | undefined;
  if (s.kind === 'days') stepMs = s.days * 86_400_000;
  else {
    const m = /^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$/.exec(s.expression.trim());
    if (m) stepMs = Number(m[1]) * (m[2].startsWith('hour') ? 3_600_000 : 86_400_000);
  }
  if (!stepMs) {
    const cron = s.kind === 'expression' ? /^cron\((.+)\)$/.exec(s.expression.trim()) : null;
    if (!cron) return undefined;
    try { return nextCronTimes(cron[1], from, count); } catch { return undefined; }
  }
  return Array.from({ length: count }, (_, i) => new Date(from.getTime() + stepMs! * (i + 1)));
}
