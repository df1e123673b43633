// Progress of import/export: one plain line per secret when the stream is not a terminal, a redrawn bar when
// it is; then the summary and the failures. Names only: values never appear.
import type { Outcome } from './record.ts';

export interface Progress {
  item(name: string, outcome: Outcome): void;
  finish(): { failed: number };
}

export function createProgress(stream: NodeJS.WriteStream, total: number, action: string): Progress {
  const tty = stream.isTTY === true;
  const counts = new Map<string, number>();
  const failures: string[] = [];
  let done = 0;
  const line = (name: string, o: Outcome) =>
    o.kind === 'updated' ? `updated ${name} (${o.changed.join(', ')})` : o.kind === 'failed' ? `failed ${name}: ${o.message}` : `${o.kind} ${name}`;
  return {
    item(name, outcome) {
      done += 1;
      counts.set(outcome.kind, (counts.get(outcome.kind) ?? 0) + 1);
      if (outcome.kind === 'failed') failures.push(`  ${name}: ${outcome.message}`);
      if (tty) {
        const width = 30;
        const filled = total ? Math.round((done / total) * width) : width;
        const label = name.length > 40 ? `${name.slice(0, 37)}...` : name;
        stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`);
      } else {
        stream.write(`${line(name, outcome)}\n`);
      }
    },
    finish() {
      if (tty) stream.write('\r\x1b[K');
      const order = ['created', 'updated', 'unchanged', 'exported', 'failed'];
      const parts = order.filter((k) => counts.has(k) || k === 'failed').map((k) => `${counts.get(k) ?? 0} ${k}`);
      stream.write(`${action} ${total} secret${total === 1 ? '' : 's'}: ${parts.join(', ')}\n`);
      if (failures.length) stream.write(`Failed:\n${failures.join('\n')}\n`);
      return { failed: failures.length };
    },
  };
}
