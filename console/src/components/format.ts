export function formatDate(d: Date | undefined): string {
  if (!d) return '—';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function formatDay(d: Date | undefined): string {
  return d ? d.toISOString().slice(0, 10) : '—';
}
