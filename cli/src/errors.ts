// The CLI's failures and their exit codes, as the aws CLI v2 uses them: 252 usage (nothing was sent),
// 254 the service answered with an error, 255 anything else (connection, credentials, local I/O).

export const EXIT = { ok: 0, usage: 252, service: 254, other: 255 } as const;

/** A command line the CLI refuses before sending anything. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
}

/** A parameter value that could not be read or parsed: "Error parsing parameter '--tags': ...". Never holds the value. */
export class ParamError extends UsageError {
  constructor(readonly flag: string, detail: string) {
    super(`Error parsing parameter '${flag}': ${detail}`);
  }
}

/** An error answered by the service, printed exactly as the aws CLI prints it. */
export class ServiceError extends Error {
  readonly exitCode = EXIT.service;
  constructor(readonly code: string, readonly operation: string, readonly serviceMessage: string) {
    super(`An error occurred (${code}) when calling the ${operation} operation: ${serviceMessage || 'Unknown'}`);
  }
}

/** Any other failure (connection refused, missing credentials, a local file that cannot be written). */
export class CliError extends Error {
  readonly exitCode: number = EXIT.other;
}

/** A command that reports its own outcome and only needs an exit code (import/export with failures, `run`). */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
