// The server's log: pino, one JSON object a line on stdout, or pino-pretty's lines for a person at a terminal.
// JSON lines go through pino's asynchronous destination (sonic-boom), flushed when the process exits.
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type Log = Logger;

export interface LogOptions {
  level: string;
  format: 'json' | 'pretty';
}

/**
 * Worker processes share stdout. A write of at most PIPE_BUF (4096) bytes to a pipe is never interleaved with
 * another process's, and sonic-boom never splits a line between writes: capped at this size, every line
 * arrives whole however many workers log at once.
 */
const MAX_WRITE_BYTES = 4096;

/** The request line's fields: on a terminal they make one line of text rather than a block of fields. */
const REQUEST_FIELDS = ['requestId', 'service', 'operation', 'principal', 'sourceIp', 'status', 'errorType', 'latencyMs'];
/** The start-up messages' fields, for log collectors: on a terminal their text says it all. */
const STARTUP_FIELDS = ['url', 'accountId', 'accessKeyId', 'credentialsFile', 'profile'];

/** `secretsmanager.GetSecretValue 200 0.8 ms arn:aws:iam::…:root from 127.0.0.1 (request …)`; other entries keep their message. */
export function prettyMessage(entry: Record<string, unknown>, messageKey: string): string {
  const msg = String(entry[messageKey] ?? '');
  if (msg === 'request') {
    const error = entry.errorType ? ` ${String(entry.errorType)}` : '';
    return `${String(entry.service)}.${String(entry.operation)} ${String(entry.status)}${error} ${String(entry.latencyMs)} ms ${String(entry.principal ?? '-')} from ${String(entry.sourceIp ?? '-')} (request ${String(entry.requestId)})`;
  }
  // An error about a request names it on the line (the fields are hidden from the block below).
  const about = REQUEST_FIELDS.filter((k) => entry[k] !== undefined).map((k) => `${k}=${String(entry[k])}`);
  return about.length > 0 ? `${msg} (${about.join(' ')})` : msg;
}

/** The log of this process; `destination` replaces stdout (tests). */
export function createLog(options: LogOptions, destination?: DestinationStream): Log {
  const stream =
    destination ??
    (options.format === 'pretty'
      ? pinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: ['pid', 'hostname', ...REQUEST_FIELDS, ...STARTUP_FIELDS].join(','), messageFormat: prettyMessage })
      : pino.destination({ dest: 1, sync: false, maxWrite: MAX_WRITE_BYTES }));
  // pid tells worker processes apart; the hostname is the log collector's to add.
  return pino({ level: options.level, base: { pid: process.pid } }, stream);
}
