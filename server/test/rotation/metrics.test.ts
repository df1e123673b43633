// Rotation in GET /metrics: attempts by function kind and outcome with their durations, and the due and overdue
// rotations of the store, through the SDK and a real server with a clock the test moves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { parseMetrics, sampleValue, type Sample } from '../support/prometheus.ts';
import { followClock, startTestFunction, type TestFunction } from './http-function.ts';

const DAY = 86_400_000;
const TEMPLATE = 'SecretsManagerRDSPostgreSQLRotationSingleUser';
let clock = Date.parse('2024-05-06T10:00:00Z');
let server: TestServer;
let client: SecretsManagerClient;
let fn: TestFunction;
let httpArn: string;
let templateArn: string;

before(async () => {
  server = await startTestServer({ now: () => clock, rotation: { backoffMs: 1000, maxAttempts: 2 }, logger: { error: () => {} } });
  client = followClock(server.client(), () => clock);
  fn = await startTestFunction(client, 'initial-password', () => clock);
  const scope = { accountId: server.app.accountId, region: server.region };
  const created = await server.app.rotation.functions.create(scope, { name: 'metrics-rotator', url: fn.url });
  fn.setSigningKey(created.SigningKey!);
  httpArn = created.FunctionArn;
  templateArn = (await server.app.rotation.functions.create(scope, { name: 'metrics-pg', template: TEMPLATE })).FunctionArn;
});
after(async () => {
  await fn?.close();
  await server?.close();
});

async function metrics(): Promise<{ samples: Sample[]; text: string }> {
  const res = await fetch(`${server.endpoint}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  return { samples: parseMetrics(text), text };
}

async function newSecret(value: Record<string, unknown>): Promise<string> {
  return (await client.send(new CreateSecretCommand({ Name: `metrics-${randomUUID()}`, SecretString: JSON.stringify(value) }))).ARN!;
}

test('rotation attempts by function kind and outcome, their durations, and the due and overdue rotations', async () => {
  const rotations = (samples: Sample[], fnLabel: string, outcome: string) => sampleValue(samples, 'coffer_rotations_total', { function: fnLabel, outcome });

  // One that succeeds, on a daily schedule.
  const scheduled = await newSecret({ username: 'app', password: fn.database.password });
  await client.send(new RotateSecretCommand({ SecretId: scheduled, RotationLambdaARN: httpArn, RotationRules: { AutomaticallyAfterDays: 1 } }));
  await server.app.rotation.settled();
  let { samples } = await metrics();
  assert.equal(rotations(samples, 'http', 'succeeded'), 1);
  assert.equal(sampleValue(samples, 'coffer_rotation_duration_seconds_count', { function: 'http', outcome: 'succeeded' }), 1);
  assert.equal(sampleValue(samples, 'coffer_rotations_due'), 0);
  assert.equal(sampleValue(samples, 'coffer_rotations_overdue'), 0);

  // One whose function fails every time: retried once, then failed for good (overdue: it stays until someone acts).
  fn.failAt('setSecret', 10);
  const failing = await newSecret({ username: 'app', password: fn.database.password });
  await client.send(new RotateSecretCommand({ SecretId: failing, RotationLambdaARN: httpArn }));
  await server.app.rotation.settled();
  ({ samples } = await metrics());
  assert.equal(rotations(samples, 'http', 'retrying'), 1);
  assert.equal(sampleValue(samples, 'coffer_rotations_due'), 0, 'the retry is not due before its backoff');
  clock += 1001;
  ({ samples } = await metrics());
  assert.equal(sampleValue(samples, 'coffer_rotations_due'), 1, 'the retry is due');
  await server.app.rotation.tick();
  ({ samples } = await metrics());
  assert.equal(rotations(samples, 'http', 'failed'), 1);
  assert.equal(sampleValue(samples, 'coffer_rotation_duration_seconds_count', { function: 'http', outcome: 'failed' }), 1);
  assert.equal(sampleValue(samples, 'coffer_rotations_due'), 0);
  assert.equal(sampleValue(samples, 'coffer_rotations_overdue'), 1);

  // A built-in template is labelled with its name (the database is unreachable: the attempt fails, to be retried).
  const templated = await newSecret({ engine: 'postgres', host: '127.0.0.1', port: 1, username: 'app', password: 'pg-password-2f8e', dbname: 'app' });
  await client.send(new RotateSecretCommand({ SecretId: templated, RotationLambdaARN: templateArn }));
  await server.app.rotation.settled();
  ({ samples } = await metrics());
  assert.equal(rotations(samples, TEMPLATE, 'retrying'), 1);

  // Three days on, with no scheduler pass: the daily window of the first secret began and ended.
  clock += 3 * DAY;
  const { samples: later, text } = await metrics();
  assert.equal(sampleValue(later, 'coffer_rotations_due'), 2, "the scheduled window and the template's retry");
  assert.equal(sampleValue(later, 'coffer_rotations_overdue'), 2, 'the missed window and the failed run');

  for (const marker of [scheduled, failing, templated, httpArn, templateArn, 'metrics-rotator', 'metrics-pg', fn.url, 'pg-password-2f8e', fn.database.password]) {
    assert.ok(!text.includes(marker), `the metrics show ${marker}`);
  }
});
