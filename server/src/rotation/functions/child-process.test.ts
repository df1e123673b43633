import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChildStep, type ChildStep } from './child-process.ts';

const event = { SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf', ClientRequestToken: 't', Step: 'setSecret' } as const;
const node = (script: string, over: Partial<ChildStep> = {}): ChildStep => ({
  command: process.execPath,
  args: ['-e', script],
  env: { PATH: process.env.PATH },
  timeoutMs: 10_000,
  keepStdout: true,
  secrets: [],
  label: 'the handler',
  ...over,
});

test('a process that exits 0 succeeds; it read the event on stdin', async () => {
  await runChildStep(node(`const e = JSON.parse(require('fs').readFileSync(0, 'utf8')); process.exit(e.Step === 'setSecret' ? 0 : 3)`), event);
});

test("a failure's error keeps the end of the output (the exception), scrubbed, whatever came before", async () => {
  const script = `console.log('INFO line '.repeat(2000)); console.error('password=hunter22 key=SECRETKEY1234'); console.error('ValueError: the pending version is missing'); process.exit(1)`;
  const err = await runChildStep(node(script, { secrets: ['SECRETKEY1234'] }), event).then(() => assert.fail('should fail'), (e: Error) => e);
  assert.match(err.message, /^the handler exited with 1: …/);
  assert.match(err.message, /ValueError: the pending version is missing$/);
  assert.ok(err.message.length < 1000);
  assert.ok(!err.message.includes('hunter22') && !err.message.includes('SECRETKEY1234'));
});

test('stdout is left out when not kept; a process past its timeout is killed and says so', async () => {
  const quiet = await runChildStep(node(`console.log('only stdout'); process.exit(2)`, { keepStdout: false }), event).catch((e: Error) => e);
  assert.equal((quiet as Error).message, 'the handler exited with 2');
  const slow = await runChildStep(node('setTimeout(() => {}, 60_000)', { timeoutMs: 300 }), event).catch((e: Error) => e);
  assert.equal((slow as Error).message, 'the handler timed out after 300 ms');
});
