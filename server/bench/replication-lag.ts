// Replication lag under a steady write load: one secret on server A (us-east-1) replicated to ap-south-1 in the
// same deployment and to eu-west-1 served by server B (COFFER_PEERS), two `coffer server` processes on this
// machine. Every WRITE_INTERVAL_MS a PutSecretValue on A; from its answer, the new version is read in each
// replica region (GetSecretValue with its VersionId, polled every POLL_MS) until it is there. The lag is the
// time from A's answer to the first successful read. Usage: node --import tsx server/bench/replication-lag.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { spawnServer, type ServerProcess } from '../test/store/server-process.ts';
import { readCredentials } from '../test/support/test-server.ts';

const DURATION_MS = Number(process.env.LAG_DURATION_MS ?? 30_000);
const WRITE_INTERVAL_MS = Number(process.env.LAG_WRITE_INTERVAL_MS ?? 100);
const POLL_MS = 5;
const settings = { COFFER_WORKERS: '1' };

const root = mkdtempSync(join(tmpdir(), 'coffer-lag-'));
const servers: ServerProcess[] = [];
try {
  const b = await spawnServer({ dataDir: join(root, 'b'), env: settings });
  servers.push(b);
  const bCredentials = readCredentials(join(root, 'b', 'credentials'));
  const a = await spawnServer({
    dataDir: join(root, 'a'),
    env: { ...settings, COFFER_PEERS: `eu-west-1=${b.url}`, COFFER_PEER_CREDENTIALS: `eu-west-1=${bCredentials.accessKeyId}:${bCredentials.secretAccessKey}` },
  });
  servers.push(a);
  const aCredentials = readCredentials(join(root, 'a', 'credentials'));
  const client = (url: string, region: string, credentials: typeof aCredentials) => new SecretsManagerClient({ endpoint: url, region, credentials, maxAttempts: 1 });
  const us = client(a.url, 'us-east-1', aCredentials);
  const ap = client(a.url, 'ap-south-1', aCredentials);
  const eu = client(b.url, 'eu-west-1', bCredentials);

  const name = `lag-${Date.now()}`;
  await us.send(new CreateSecretCommand({ Name: name, SecretString: 'v0', AddReplicaRegions: [{ Region: 'ap-south-1' }, { Region: 'eu-west-1' }] }));

  /** ms from `since` until the version reads in `region`'s client; and whether the first read found it. */
  async function visible(c: SecretsManagerClient, versionId: string, since: number): Promise<{ lag: number; first: boolean }> {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }));
        return { lag: performance.now() - since, first: attempt === 0 };
      } catch {
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
  }

  const local: Array<{ lag: number; first: boolean }> = [];
  const peer: number[] = [];
  const pending: Promise<void>[] = [];
  const end = performance.now() + DURATION_MS;
  for (let i = 1; performance.now() < end; i++) {
    const started = performance.now();
    const out = await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}` }));
    const acked = performance.now();
    pending.push(visible(ap, out.VersionId!, acked).then((r) => void local.push(r)));
    pending.push(visible(eu, out.VersionId!, acked).then((r) => void peer.push(r.lag)));
    await new Promise((r) => setTimeout(r, Math.max(0, WRITE_INTERVAL_MS - (performance.now() - started))));
  }
  await Promise.all(pending);

  const stats = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return { n: s.length, median: +s[Math.floor(s.length / 2)].toFixed(1), p95: +s[Math.floor(s.length * 0.95)].toFixed(1), max: +s[s.length - 1].toFixed(1) };
  };
  console.log(JSON.stringify({
    writesPerSecond: 1000 / WRITE_INTERVAL_MS,
    durationMs: DURATION_MS,
    sameDeployment: { ...stats(local.map((r) => r.lag)), foundOnFirstRead: local.filter((r) => r.first).length },
    acrossDeployments: stats(peer),
  }, null, 1));
  [us, ap, eu].forEach((c) => c.destroy());
} finally {
  for (const s of servers.reverse()) await s.stop();
  rmSync(root, { recursive: true, force: true });
}
