// `coffer agent`: the AWS Secrets Manager Agent's interface through raw HTTP (SSRF token, X-Forwarded-For,
// errors as the agent words them, versionId / versionStage / refreshNow, path style, /ping), its configuration
// file, a change seen through the agent within one second by way of the change feed, and the agent across a
// Coffer restart and a kill -9 (cached values served up to the staleness limit, then an error).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { BIN, cleanEnv, cleanEnvFrom, spawnProcess, startCliServer, type CliServer } from './support/cli.ts';
import { AGENT_TOKEN, startAgent, until, type AgentProcess } from './support/agent.ts';
import { startTestFunction } from '../../server/test/rotation/http-function.ts';
import { freePort, spawnServer, type ServerProcess } from '../../server/test/store/server-process.ts';

const TOKEN_HEADER = { 'X-Aws-Parameters-Secrets-Token': AGENT_TOKEN };
const q = (secretId: string, extra = '') => `/secretsmanager/get?secretId=${encodeURIComponent(secretId)}${extra}`;

describe('coffer agent: the AWS agent interface', () => {
  let s: CliServer;
  let agent: AgentProcess; // change feed off: what it serves changes only by TTL or refreshNow
  let sdk: SecretsManagerClient;
  const versions: Record<string, string> = {};

  before(async () => {
    s = await startCliServer();
    sdk = s.server.client();
    versions.v1 = (await sdk.send(new CreateSecretCommand({ Name: 'app/db', SecretString: 'value-one-EXAMPLE' }))).VersionId!;
    versions.v2 = (await sdk.send(new PutSecretValueCommand({ SecretId: 'app/db', SecretString: 'value-two-EXAMPLE', VersionStages: ['AWSCURRENT', 'blue'] }))).VersionId!;
    await sdk.send(new CreateSecretCommand({ Name: 'app/blob', SecretBinary: new Uint8Array([0, 1, 254, 255]) }));
    agent = await startAgent('ttl_seconds = 300\nchange_feed = false\nlog_level = "debug"\n', s.env);
  });
  after(async () => {
    await agent?.stop();
    await s?.close();
  });

  test('answers GetSecretValue as JSON, as AWS agent writes it', async () => {
    const direct = await sdk.send(new GetSecretValueCommand({ SecretId: 'app/db' }));
    const r = await agent.get(q('app/db'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      ARN: direct.ARN,
      Name: 'app/db',
      VersionId: versions.v2,
      SecretString: 'value-two-EXAMPLE',
      VersionStages: direct.VersionStages,
      CreatedDate: String(direct.CreatedDate!.getTime() / 1000),
    });
    const blob = await agent.get(q('app/blob'));
    assert.equal(blob.json().SecretBinary, Buffer.from([0, 1, 254, 255]).toString('base64'));
    assert.equal(blob.json().SecretString, undefined);
    const pathStyle = await agent.get('/v1/app/db');
    assert.equal(pathStyle.json().SecretString, 'value-two-EXAMPLE', 'path_prefix style: /v1/<secretId>');
    const vault = await agent.get(q('app/db'), { 'X-Vault-Token': AGENT_TOKEN });
    assert.equal(vault.status, 200, 'the second default ssrf_headers entry is accepted too');
  });

  test('refuses a missing or wrong token (403 Bad Token) and a forwarded request (400 Forwarded)', async () => {
    assert.deepEqual(await status(agent.get(q('app/db'), {})), [403, 'Bad Token']);
    assert.deepEqual(await status(agent.get(q('app/db'), { 'X-Aws-Parameters-Secrets-Token': `${AGENT_TOKEN}x` })), [403, 'Bad Token']);
    assert.deepEqual(await status(agent.get(q('app/db'), { 'X-Aws-Parameters-Secrets-Token': '' })), [403, 'Bad Token']);
    assert.deepEqual(await status(agent.get(q('app/db'), { ...TOKEN_HEADER, 'X-Forwarded-For': '10.0.0.1' })), [400, 'Forwarded']);
    assert.deepEqual(await status(agent.get('/ping', {})), [200, 'healthy'], '/ping needs no token');
    assert.deepEqual(await status(agent.get(q('app/db'), TOKEN_HEADER, 'POST')), [405, 'Not allowed']);
    assert.deepEqual(await status(agent.get('/nowhere')), [404, 'Not found']);
  });

  test("answers bad requests and Coffer's errors as AWS agent does", async () => {
    assert.deepEqual(await status(agent.get('/secretsmanager/get')), [400, 'missing parameter secretId']);
    assert.deepEqual(await status(agent.get(q('app/db', '&colour=blue'))), [400, 'unknown parameter: colour']);
    assert.deepEqual(await status(agent.get(q('app/db', '&refreshNow=maybe'))), [400, 'invalid refreshNow value']);
    const missing = await agent.get(q('app/missing'));
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json(), { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    const badStage = await agent.get(q('app/db', '&versionStage=nope'));
    assert.equal(badStage.status, 400);
    assert.equal(badStage.json().__type, 'ResourceNotFoundException');
  });

  test('picks versions by versionId and versionStage', async () => {
    const byId = await agent.get(q('app/db', `&versionId=${versions.v1}`));
    assert.equal(byId.json().SecretString, 'value-one-EXAMPLE');
    assert.deepEqual(byId.json().VersionStages, ['AWSPREVIOUS']);
    const previous = await agent.get(q('app/db', '&versionStage=AWSPREVIOUS'));
    assert.equal(previous.json().VersionId, versions.v1);
    const blue = await agent.get(q('app/db', '&versionStage=blue'));
    assert.equal(blue.json().VersionId, versions.v2);
  });

  test('serves from its cache for the TTL; refreshNow=true asks Coffer again', async () => {
    await agent.get(q('app/db'));
    await sdk.send(new PutSecretValueCommand({ SecretId: 'app/db', SecretString: 'value-three-EXAMPLE' }));
    assert.equal((await agent.get(q('app/db'))).json().SecretString, 'value-two-EXAMPLE', 'cached: the feed is off and the TTL is 300 s');
    assert.equal((await agent.get(q('app/db', '&refreshNow=false'))).json().SecretString, 'value-two-EXAMPLE');
    assert.equal((await agent.get(q('app/db', '&refreshNow=true'))).json().SecretString, 'value-three-EXAMPLE');
    assert.equal((await agent.get(q('app/db'))).json().SecretString, 'value-three-EXAMPLE', 'the refreshed value is cached');
    assert.doesNotMatch(agent.stderr(), /value-(one|two|three)-EXAMPLE|AQL\+/, 'the log never holds a value');
  });

  test('reads the SSRF token from a file:// reference, and refuses to start without a token or with a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-token-'));
    writeFileSync(join(dir, 'token'), 'file-token-0123\n');
    const fromFile = await startAgent('change_feed = false\n', { ...s.env, AWS_TOKEN: `file://${join(dir, 'token')}` });
    try {
      assert.equal((await fromFile.get(q('app/db'), { 'X-Aws-Parameters-Secrets-Token': 'file-token-0123' })).status, 200);
      assert.equal((await fromFile.get(q('app/db'))).status, 403);
    } finally {
      await fromFile.stop();
    }
    const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
      ['change_feed = false\n', { AWS_TOKEN: undefined }, /no SSRF token: set one of AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN/],
      ['ssrf_env_variables = ["MY_AGENT_TOKEN"]\n', { AWS_TOKEN: 'ignored' }, /no SSRF token: set one of MY_AGENT_TOKEN/],
      ['change_feed = false\n', { AWS_TOKEN: `file://${join(dir, 'missing')}` }, /cannot read the SSRF token file named by AWS_TOKEN: ENOENT/],
      ['ttl_seconds = 3601\n', {}, /ttl_seconds must be an integer from 0 to 3600/],
      ['cache_size = "0"\n', {}, /cache_size must be an integer from 1 to 1000/],
      ['http_port = 80\n', {}, /http_port must be 0 or from 1024 to 65535/],
      ['colour = "blue"\n', {}, /unknown configuration key colour/],
      ['ttl_seconds = \n', {}, /is not valid TOML/],
    ];
    for (const [toml, env, message] of cases) {
      const file = join(dir, 'agent.toml');
      writeFileSync(file, toml);
      const r = await spawnProcess(process.execPath, [BIN, 'agent', '--config', file], cleanEnvFrom(s.env, { AWS_TOKEN: AGENT_TOKEN, ...env })).done;
      assert.notEqual(r.code, 0, toml);
      assert.match(r.stderr, message);
    }
  });
});

describe('coffer agent: a Coffer that does not answer', () => {
  test('answers 429 beyond max_conn concurrent requests, and 504 TimeoutError when Coffer takes too long', async () => {
    // A listener that accepts connections and never answers: the agent's GetSecretValue waits until its timeout.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const agent = await startAgent('max_conn = 1\nchange_feed = false\nvalidate_credentials = false\n', cleanEnv({ COFFER_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_REGION: 'us-east-1' }));
    try {
      const first = agent.get(q('slow/db'));
      await until(async () => sockets.length > 0, 5000); // the first request is waiting on Coffer
      assert.deepEqual(await status(agent.get(q('slow/db'))), [429, 'Connection limit exceeded']);
      assert.deepEqual(await status(agent.get('/ping', {})), [200, 'healthy'], 'health checks have headroom beyond the limit');
      const timedOut = await first;
      assert.equal(timedOut.status, 504);
      assert.deepEqual(timedOut.json(), { __type: 'TimeoutError', message: 'Timeout' });
    } finally {
      await agent.stop();
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });
});

describe('coffer agent: told of changes by the change feed', () => {
  let s: CliServer;
  let agent: AgentProcess;
  let sdk: SecretsManagerClient;

  before(async () => {
    s = await startCliServer();
    sdk = s.server.client();
    await sdk.send(new CreateSecretCommand({ Name: 'feed/db', SecretString: 'feed-0-EXAMPLE' }));
    agent = await startAgent('ttl_seconds = 300\nlog_level = "debug"\n', s.env);
  });
  after(async () => {
    await agent?.stop();
    await s?.close();
  });

  test('serves a PutSecretValue within one second, though the TTL is 300 s', async () => {
    assert.equal((await agent.get(q('feed/db'))).json().SecretString, 'feed-0-EXAMPLE');
    for (let i = 1; i <= 3; i++) {
      await sdk.send(new PutSecretValueCommand({ SecretId: 'feed/db', SecretString: `feed-${i}-EXAMPLE` }));
      const took = await until(async () => (await agent.get(q('feed/db'))).json().SecretString === `feed-${i}-EXAMPLE`, 5000);
      assert.ok(took < 1000, `change ${i} served after ${took} ms`);
    }
  });

  test("serves a label move (rotation's last step) within one second", async () => {
    const before = (await agent.get(q('feed/db'))).json();
    const previous = (await agent.get(q('feed/db', '&versionStage=AWSPREVIOUS'))).json();
    await sdk.send(new UpdateSecretVersionStageCommand({ SecretId: 'feed/db', VersionStage: 'AWSCURRENT', MoveToVersionId: String(previous.VersionId), RemoveFromVersionId: String(before.VersionId) }));
    const took = await until(async () => (await agent.get(q('feed/db'))).json().VersionId === previous.VersionId, 5000);
    assert.ok(took < 1000, `label move served after ${took} ms`);
    assert.match(agent.stderr(), /change feed: UpdateSecretVersionStage on feed\/db/);
    assert.doesNotMatch(agent.stderr(), /feed-\d-EXAMPLE/, 'the log never holds a value');
  });

  test('serves a rotated value within one second of the rotation moving AWSCURRENT', async () => {
    const fn = await startTestFunction(sdk, 'initial-password', Date.now);
    let ticking = true;
    const ticks = (async () => {
      while (ticking) {
        await s.server.app.rotation.tick();
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const created = await s.json(['functions', 'create', '--name', 'agent-rotator', '--url', fn.url]);
      fn.setSigningKey(String(created.SigningKey));
      const fnArn = String((created.Function as Record<string, unknown>).FunctionArn);
      await sdk.send(new CreateSecretCommand({ Name: 'feed/rotated', SecretString: JSON.stringify({ username: 'app', password: fn.database.password }) }));
      const before = (await agent.get(q('feed/rotated'))).json();
      const rotated = await s.json(['rotate-secret', '--secret-id', 'feed/rotated', '--rotation-lambda-arn', fnArn]);
      // When Coffer itself first answers the new version, and when the agent does.
      let directAt = 0;
      let agentAt = 0;
      await until(async () => {
        const now = Date.now();
        if (!directAt && (await sdk.send(new GetSecretValueCommand({ SecretId: 'feed/rotated' }))).VersionId === rotated.VersionId) directAt = now;
        if (!agentAt && (await agent.get(q('feed/rotated'))).json().VersionId === rotated.VersionId) agentAt = now;
        return directAt > 0 && agentAt > 0;
      }, 15_000);
      assert.notEqual(before.VersionId, rotated.VersionId);
      assert.ok(agentAt - directAt < 1000, `the agent served the rotated version ${agentAt - directAt} ms after Coffer did`);
      assert.notEqual(JSON.parse(String((await agent.get(q('feed/rotated'))).json().SecretString)).password, 'initial-password');
    } finally {
      ticking = false;
      await ticks;
      await fn.close();
    }
  });
});

describe('coffer agent across a Coffer restart and a kill -9', () => {
  let dataDir: string;
  let port: number;
  let server: ServerProcess | undefined;
  let agent: AgentProcess;

  const env = () => cleanEnv({
    AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'credentials'),
    AWS_PROFILE: 'coffer',
    AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
    COFFER_ENDPOINT: `http://127.0.0.1:${port}`,
  });
  const start = async () => (server = await spawnServer({ dataDir, port, args: ['--workers', '1'] }));

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coffer-agent-restart-'));
    port = await freePort();
    await start();
    await server!.client().send(new CreateSecretCommand({ Name: 'restart/db', SecretString: 'restart-1-EXAMPLE' }));
    agent = await startAgent('ttl_seconds = 1\nmax_stale_seconds = 3\nlog_level = "debug"\n', env());
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
  });

  test('serves the cached value while Coffer is down (kill -9), catches up after it is back, errs past the staleness limit', async () => {
    assert.equal((await agent.get(q('restart/db'))).json().SecretString, 'restart-1-EXAMPLE');
    await server!.killHard();
    await new Promise((r) => setTimeout(r, 1300)); // past the TTL: the agent must ask Coffer, which is gone
    const stale = await agent.get(q('restart/db'));
    assert.equal(stale.status, 200);
    assert.equal(stale.json().SecretString, 'restart-1-EXAMPLE', 'within max_stale_seconds the cached value stands in');

    // Back at the same address: a change made at once is caught up from the feed's last position.
    await start();
    await server!.client().send(new PutSecretValueCommand({ SecretId: 'restart/db', SecretString: 'restart-2-EXAMPLE' }));
    const took = await until(async () => (await agent.get(q('restart/db'))).json().SecretString === 'restart-2-EXAMPLE', 5000);
    assert.ok(took < 1000, `served after ${took} ms`);
    await until(async () => /change feed: PutSecretValue on restart\/db/.test(agent.stderr()), 3000);

    // A graceful stop, then past TTL + max_stale_seconds: the agent answers with an error, as AWS's agent does
    // when Secrets Manager cannot be reached.
    await server!.stop();
    await new Promise((r) => setTimeout(r, 4300));
    const gone = await agent.get(q('restart/db'));
    assert.equal(gone.status, 502);
    assert.deepEqual(gone.json(), { __type: 'ConnectionError', message: 'Read Error' });

    await start();
    await until(async () => (await agent.get(q('restart/db'))).status === 200, 5000);
    assert.equal((await agent.get(q('restart/db'))).json().SecretString, 'restart-2-EXAMPLE');
    assert.doesNotMatch(agent.stderr(), /restart-\d-EXAMPLE/, 'the log never holds a value');
  });
});

async function status(r: Promise<{ status: number; text: string }>): Promise<[number, string]> {
  const { status: code, text } = await r;
  return [code, text];
}
