// Exit codes and messages: 252 for usage errors (aimed at an endpoint where nothing listens, so 252 also
// proves nothing was sent: a request would have failed with 255), 254 with the aws CLI's exact text for
// service errors, 255 for the rest (connection refused naming the endpoint, an unknown profile).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEAD_ENDPOINT, startCliServer, type CliServer } from './support/cli.ts';

describe('coffer exit codes and error messages', () => {
  let s: CliServer;

  before(async () => {
    s = await startCliServer();
  });
  after(async () => {
    await s?.close();
  });

  test('usage errors exit 252 with a message naming the flag, and send nothing', async () => {
    const dead = { COFFER_ENDPOINT: DEAD_ENDPOINT };
    const cases: [string[], RegExp][] = [
      [['get-secret-value', '--secret-id', 'x', '--bogus', '1'], /unknown option '--bogus'/],
      [['put-secret-value', '--secret-string', 'SECRET-VALUE-1'], /the following arguments are required: --secret-id/],
      [['create-secret', '--name', 'x', '--secret-string', 'file:///nonexistent/value.txt'], /Error parsing parameter '--secret-string': Unable to load paramfile file:\/\/\/nonexistent\/value.txt: No such file or directory/],
      [['create-secret', '--name', 'x', '--tags', '[{"Key":"SECRET-VALUE-2",}]'], /Error parsing parameter '--tags': Invalid JSON/],
      [['create-secret', '--name', 'x', '--tags', 'Key=a,Valu=SECRET-VALUE-3'], /Error parsing parameter '--tags': Unknown parameter in Tags\[0\]: "Valu", must be one of: Key, Value/],
    ];
    const results = await Promise.all(cases.map(([args]) => s.run(args, dead)));
    results.forEach((r, i) => {
      const [args, message] = cases[i];
      assert.equal(r.code, 252, `coffer ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, /SECRET-VALUE/, 'a value given on the command line is never echoed');
    });
  });

  test('service errors exit 254 with exactly the aws CLI message', async () => {
    const created = await s.json(['create-secret', '--name', 'errors/exists', '--secret-string', 'v']);
    assert.equal(created.Name, 'errors/exists');
    const [missing, exists, badCredentials] = await Promise.all([
      s.run(['get-secret-value', '--secret-id', 'errors/missing']),
      s.run(['create-secret', '--name', 'errors/exists', '--secret-string', 'v']),
      s.run(['list-secrets'], { AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }),
    ]);
    assert.equal(missing.code, 254);
    assert.equal(missing.stderr, "\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.\n");
    assert.equal(missing.stdout, '');
    assert.equal(exists.code, 254);
    assert.match(exists.stderr, /^\nAn error occurred \(ResourceExistsException\) when calling the CreateSecret operation: .+\n$/);
    assert.equal(badCredentials.code, 254, badCredentials.stderr);
    assert.match(badCredentials.stderr, /^\nAn error occurred \((UnrecognizedClientException|InvalidSignatureException)\) when calling the ListSecrets operation: /);
  });

  test('other failures exit 255: connection refused names the endpoint; an unknown profile is named', async () => {
    const [refused, profile] = await Promise.all([
      s.run(['list-secrets'], { COFFER_ENDPOINT: DEAD_ENDPOINT, AWS_MAX_ATTEMPTS: '1' }),
      s.run(['list-secrets', '--profile', 'no-such-profile']),
    ]);
    assert.equal(refused.code, 255);
    assert.equal(refused.stderr, `\nCould not connect to the endpoint URL: "${DEAD_ENDPOINT}/"\n`);
    assert.equal(profile.code, 255, profile.stderr);
    assert.match(profile.stderr, /no-such-profile/);
  });
});
