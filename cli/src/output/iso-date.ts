// Python's datetime.isoformat() of a timestamp in the local time zone, which is what aws CLI v2 prints
// (botocore parses timestamps with tzlocal): "2026-11-27T20:47:34.154000+00:00"; no fraction when it is zero.

export function isoFormat(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const ms = date.getMilliseconds();
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    (ms ? `.${pad(ms, 3)}000` : '') +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
