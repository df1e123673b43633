// Readiness (GET /_coffer/ready): the checks app.ts gives (store writable, migrations applied, root key held)
// run together, each bounded in time. Anyone may ask, without a signature, so the answer is coarse (which check
// failed, never the underlying error, which goes to the log) and one result serves every probe for a second:
// a flood of probes costs at most one round of checks a second.

export interface ReadinessCheck {
  name: string;
  /** Resolves to undefined when ready, or to a short public reason; a throw is logged and reported as `failed`. */
  run(): Promise<string | undefined>;
}

export interface Readiness {
  ready: boolean;
  /** one line per failed check, `<name>: <reason>` */
  reasons: string[];
}

export interface ReadinessDeps {
  checks: ReadinessCheck[];
  now: () => number;
  logger: { error(message: string, fields: Record<string, unknown>): void };
  /** how long one result answers probes */
  maxAgeMs?: number;
  /** how long a check may take before it counts as failed (a database that does not answer) */
  timeoutMs?: number;
}

export function createReadiness(deps: ReadinessDeps) {
  const { checks, now, logger } = deps;
  const maxAgeMs = deps.maxAgeMs ?? 1000;
  const timeoutMs = deps.timeoutMs ?? 2000;
  let stopping = false;
  let last: { at: number; result: Readiness } | undefined;
  let running: Promise<Readiness> | undefined;
  let lastLogged = '';

  async function runCheck(check: ReadinessCheck): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([check.run(), late]);
    } catch (err) {
      logger.error('readiness check failed', { check: check.name, error: String(err) });
      return 'failed (see the server log)';
    } finally {
      clearTimeout(timer);
    }
  }

  async function evaluate(): Promise<Readiness> {
    const outcomes = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const reasons = outcomes.filter(([, reason]) => reason !== undefined).map(([name, reason]) => `${name}: ${reason}`);
    const result = { ready: reasons.length === 0, reasons };
    const summary = reasons.join('; ');
    // Logged when it changes, not at every probe.
    if (summary !== lastLogged && summary !== '') logger.error('not ready', { reasons });
    lastLogged = summary;
    last = { at: now(), result };
    return result;
  }

  return {
    async check(): Promise<Readiness> {
      if (stopping) return { ready: false, reasons: ['server: stopping'] };
      if (last && now() - last.at < maxAgeMs) return last.result;
      running ??= evaluate().finally(() => (running = undefined));
      return running;
    },
    /** From now on not ready: the server is draining its connections before it stops. */
    stopping(): void {
      stopping = true;
    },
  };
}

export type ReadinessProbe = ReturnType<typeof createReadiness>;
