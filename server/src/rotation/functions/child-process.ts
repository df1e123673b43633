// One step of a process-backed rotation function (a command, or a Lambda-style handler under its runtime's
// bootstrap): the process is started with the event as JSON on stdin and a given environment, killed at the
// timeout, and succeeds when it exits with 0. Otherwise the tail of its output, scrubbed, is the error: the
// end holds what matters (a traceback's exception line), so the start is what gets cut.
import { spawn } from 'node:child_process';
import { keepEnd, scrub } from '../scrub.ts';
import type { RotationEvent } from './types.ts';

export interface ChildStep {
  command: string;
  args?: readonly string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** whether stdout is part of the output kept for the error (a handler's log is both streams) */
  keepStdout: boolean;
  /** values to scrub from the output besides password fields (the function's secret key) */
  secrets: ReadonlyArray<string | undefined>;
  /** how the error names the process: `the command`, `the handler` */
  label: string;
}

/** Output kept before scrubbing: enough that the part kept after it was scrubbed with its context. */
const RAW_TAIL = 16_000;
/** The part of the error that is the output (room is left for the label and the step's name). */
const OUTPUT_TAIL = 900;

export function runChildStep(step: ChildStep, event: RotationEvent): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const child = spawn(step.command, step.args ?? [], {
      stdio: ['pipe', step.keepStdout ? 'pipe' : 'ignore', 'pipe'],
      timeout: step.timeoutMs,
      killSignal: 'SIGKILL',
      env: step.env,
      ...(step.cwd ? { cwd: step.cwd } : {}),
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-RAW_TAIL);
    };
    child.stdout?.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', (err) => reject(new Error(`${step.label} could not be started: ${scrub(err.message)}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const timedOut = signal === 'SIGKILL' && Date.now() - started >= step.timeoutMs;
      const how = timedOut ? `timed out after ${step.timeoutMs % 1000 === 0 ? `${step.timeoutMs / 1000} s` : `${step.timeoutMs} ms`}` : `exited with ${signal ?? code}`;
      const tail = output.trim() ? `: ${keepEnd(scrub(output.trim(), step.secrets, RAW_TAIL), OUTPUT_TAIL)}` : '';
      reject(new Error(`${step.label} ${how}${tail}`));
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(JSON.stringify(event));
  });
}
