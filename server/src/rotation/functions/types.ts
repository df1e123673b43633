// What the engine hands a rotation function, and what a function is to the engine.
export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type Step = (typeof STEPS)[number];

/** AWS's event, exactly: existing rotation functions read these fields. */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: Step;
  /**
   * The rotation attempt's token, for the function's PutSecretValue (RotationToken). Sensitive: never logged.
   * Absent when a step is run outside a rotation (the admin API's InvokeFunction).
   */
  RotationToken?: string;
}

/** Runs one step; resolves when the step succeeded, rejects with a (scrubbed) error otherwise. */
export type Invoke = (event: RotationEvent) => Promise<void>;

/** The account and region a function and the secrets it rotates live in. */
export interface FunctionScope {
  accountId: string;
  region: string;
}
