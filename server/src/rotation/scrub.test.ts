import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, MAX_ERROR_LENGTH, scrub, secretValuesOf } from './scrub.ts';

test('password fields are scrubbed in JSON, Python dict reprs, key=value pairs and URLs', () => {
  assert.equal(scrub('{"username":"u","password":"s3cr3t-pw"}'), '{"username":"u","password":****}');
  assert.equal(scrub("{'username': 'u', 'masterPassword': 'a b c'}"), "{'username': 'u', 'masterPassword': ****}");
  assert.equal(scrub('login failed: user=app pwd=hunter22; retry'), 'login failed: user=app pwd=****; retry');
  assert.equal(scrub('{"SecretString":"{\\"password\\":\\"x\\"}"}'), '{"SecretString":****}');
  assert.equal(scrub('{"secret": "tok-123456"}'), '{"secret": ****}');
  assert.equal(scrub("{'client_secret': 'tok-123456'}"), "{'client_secret': ****}");
  assert.equal(scrub('token refused: client_secret=abc123&grant=x'), 'token refused: client_secret=****&grant=x');
  assert.equal(scrub('postgres://app:pa55word@db:5432/x'), 'postgres://app:****@db:5432/x');
});

test("a traceback's source lines stay readable: `secret = ...` is code, not a value", () => {
  const line = '    secret = service_client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")';
  assert.equal(scrub(line), line);
  assert.equal(scrub('current_secret = get_secret_dict(client, arn)'), 'current_secret = get_secret_dict(client, arn)');
  assert.equal(scrub('    "SecretId": arn, secret_dict = json.loads(secret["SecretString"])'), '    "SecretId": arn, secret_dict = json.loads(secret["SecretString"])');
});

test('the values the caller knows are scrubbed wherever they appear, longest first', () => {
  const values = secretValuesOf('{"username":"app","password":"Pw-abcdef"}');
  assert.deepEqual(values, ['{"username":"app","password":"Pw-abcdef"}', 'Pw-abcdef']);
  assert.equal(scrub('could not log in with Pw-abcdef as app', values), 'could not log in with **** as app');
  assert.deepEqual(secretValuesOf('plain-value'), ['plain-value']);
});

test('a long error keeps its end (the exception line), cut to the limit', () => {
  const traceback = `${'INFO\tsomething happened\n'.repeat(200)}Traceback (most recent call last):\n  File "x.py", line 1\nValueError: the pending version is missing`;
  const out = scrub(traceback);
  assert.equal(out.length, MAX_ERROR_LENGTH);
  assert.ok(out.startsWith('…'));
  assert.ok(out.endsWith('ValueError: the pending version is missing'));
  assert.ok(describeError(new Error(traceback), [], 100).endsWith('ValueError: the pending version is missing'));
  assert.equal(describeError(new Error(traceback), [], 100).length, 100);
});
