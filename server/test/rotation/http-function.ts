// A rotation function for tests: a node:http server that verifies Coffer's signature and implements the four
// steps as AWS's single-user functions do, through @aws-sdk/client-secrets-manager, against an in-memory
// "database" holding a password per secret (database.password: the last one set). Steps can be made to fail,
// or to wait for a gate.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { verifySignature, SIGNATURE_HEADER } from '../../src/rotation/functions/http-function.ts';

export interface TestFunction {
  url: string;
  setSigningKey(base64: string): void;
  events: Array<{ SecretId: string; ClientRequestToken: string; Step: string; RotationToken?: string }>;
  database: { password: string };
  /** the next `count` calls of `step` answer 500 (with a body that includes the current password) */
  failAt(step: string, count?: number): void;
  /** createSecret waits until release() */
  hold(): { release(): void };
  /** the next call of `step` waits, before doing anything, until release(); `reached` resolves when it arrives */
  holdAt(step: string): { reached: Promise<void>; release(): void };
  close(): Promise<void>;
}

export async function startTestFunction(client: SecretsManagerClient, initialPassword: string, now: () => number): Promise<TestFunction> {
  let key: Buffer | undefined;
  const events: TestFunction['events'] = [];
  const database = { password: initialPassword };
  // Each secret's user on the "database" (secrets rotated concurrently do not see each other's passwords);
  // `database.password` is the last one set, for tests that rotate one secret at a time.
  const users = new Map<string, string>();
  const failures = new Map<string, number>();
  let gate: Promise<void> | undefined;
  const stepGates = new Map<string, { arrived(): void; wait: Promise<void> }>();

  async function step(event: TestFunction['events'][number]): Promise<void> {
    const { SecretId: arn, ClientRequestToken: token } = event;
    const meta = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    if (meta.RotationEnabled === false) throw new Error('rotation is not enabled');
    const versions = meta.VersionIdsToStages ?? {};
    if (!versions[token]) throw new Error('the token has no version');
    if (versions[token].includes('AWSCURRENT')) return;
    if (!versions[token].includes('AWSPENDING')) throw new Error('the version is not pending');
    const pending = async () => JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' }))).SecretString!);
    if (event.Step === 'createSecret') {
      if (gate) await gate;
      const current = JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }))).SecretString!);
      try {
        await pending();
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
        const { RandomPassword } = await client.send(new GetRandomPasswordCommand({ ExcludeCharacters: '/@"\'\\', PasswordLength: 32 }));
        await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify({ ...current, password: RandomPassword }), VersionStages: ['AWSPENDING'], RotationToken: event.RotationToken }));
      }
    } else if (event.Step === 'setSecret') {
      database.password = (await pending()).password;
      users.set(arn, database.password);
    } else if (event.Step === 'testSecret') {
      if ((await pending()).password !== (users.get(arn) ?? database.password)) throw new Error('login with the pending password failed');
    } else if (event.Step === 'finishSecret') {
      const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
      if (current === token) return;
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!key || !verifySignature(key, body, req.headers[SIGNATURE_HEADER] as string | undefined, Math.floor(now() / 1000))) {
        res.writeHead(401).end('bad signature');
        return;
      }
      const event = JSON.parse(body);
      events.push(event);
      const left = failures.get(event.Step) ?? 0;
      if (left > 0) {
        failures.set(event.Step, left - 1);
        res.writeHead(500).end(`{"errorMessage":"injected failure","password":"${database.password}"}`);
        return;
      }
      const stepGate = stepGates.get(event.Step);
      stepGates.delete(event.Step);
      stepGate?.arrived();
      (stepGate?.wait ?? Promise.resolve())
        .then(() => step(event))
        .then(
          () => res.writeHead(200).end('{}'),
          (err: Error) => res.writeHead(500).end(JSON.stringify({ errorMessage: err.message })),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotate`,
    setSigningKey: (b64) => {
      key = Buffer.from(b64, 'base64');
    },
    events,
    database,
    failAt: (s, count = 1) => failures.set(s, count),
    holdAt(s) {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((r) => (arrived = r));
      stepGates.set(s, { arrived, wait: new Promise<void>((r) => (release = r)) });
      return { reached, release };
    },
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return { release: () => { gate = undefined; release(); } };
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Signs the client's requests at the test clock's time (the server checks SigV4 dates against it). */
export function followClock(client: SecretsManagerClient, now: () => number): SecretsManagerClient {
  client.middlewareStack.add(
    (next) => (args) => {
      (client.config as { systemClockOffset: number }).systemClockOffset = now() - Date.now();
      return next(args);
    },
    { step: 'build', name: 'followTestClock' },
  );
  return client;
}
