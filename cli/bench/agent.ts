// `coffer agent` against direct GetSecretValue, in the same run: answer latency (p50, p99) of GET
// /secretsmanager/get through the agent (cached) and of GetSecretValue with the SDK straight to Coffer,
// alternating in rounds; then the time from PutSecretValue to the agent serving the new value (median, max)
// over CHANGES changes, the agent's TTL at 300 s so only the change feed can explain it.
// Run: node --import tsx cli/bench/agent.ts   (BENCH_REQUESTS, BENCH_CHANGES tune it)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { cleanEnv } from '../test/support/cli.ts';
import { startAgent } from '../test/support/agent.ts';
import { spawnServer } from '../../server/test/store/server-process.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const ROUND = 100;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(3)} ms`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-bench-agent-'));
  const server = await spawnServer({ dataDir });
  const sdk = server.client();
  const name = 'bench/agent';
  await sdk.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ user: 'app', password: 'x'.repeat(32) }) }));
  const agent = await startAgent('ttl_seconds = 300\nlog_level = "warn"\n', cleanEnv({
    AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'credentials'),
    AWS_PROFILE: 'coffer',
    AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
    COFFER_ENDPOINT: server.url,
  }));
  const path = `/secretsmanager/get?secretId=${encodeURIComponent(name)}`;
  try {
    const viaAgent: number[] = [];
    const direct: number[] = [];
    const time = async (into: number[], call: () => Promise<unknown>) => {
      const t = performance.now();
      await call();
      into.push(performance.now() - t);
    };
    const agentGet = async () => {
      const r = await agent.get(path);
      if (r.status !== 200) throw new Error(`agent answered ${r.status}: ${r.text}`);
    };
    const directGet = () => sdk.send(new GetSecretValueCommand({ SecretId: name }));
    for (let i = 0; i < 200; i++) await Promise.all([agentGet(), directGet()]); // warm up both
    for (let done = 0; done < REQUESTS; done += ROUND) {
      for (let i = 0; i < ROUND; i++) await time(viaAgent, agentGet);
      for (let i = 0; i < ROUND; i++) await time(direct, directGet);
    }
    viaAgent.sort((a, b) => a - b);
    direct.sort((a, b) => a - b);
    console.log(`answer latency over ${viaAgent.length} requests each (sequential, keep-alive, alternating rounds of ${ROUND}):`);
    console.log(`  agent (cached)          p50 ${ms(percentile(viaAgent, 50))}  p99 ${ms(percentile(viaAgent, 99))}`);
    console.log(`  direct GetSecretValue   p50 ${ms(percentile(direct, 50))}  p99 ${ms(percentile(direct, 99))}`);

    const fromSend: number[] = [];
    const fromAnswer: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const value = `change-${i}`;
      const sent = performance.now();
      await sdk.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      const answered = performance.now();
      for (;;) {
        const r = await agent.get(path);
        if (r.status === 200 && r.json().SecretString === value) break;
        if (performance.now() - sent > 10_000) throw new Error(`change ${i} not served within 10 s`);
      }
      const served = performance.now();
      fromSend.push(served - sent);
      fromAnswer.push(served - answered);
    }
    fromSend.sort((a, b) => a - b);
    fromAnswer.sort((a, b) => a - b);
    console.log(`PutSecretValue to the agent serving the new value, over ${CHANGES} changes (TTL 300 s):`);
    console.log(`  from the call           median ${ms(percentile(fromSend, 50))}  max ${ms(fromSend[fromSend.length - 1])}`);
    console.log(`  from its answer         median ${ms(percentile(fromAnswer, 50))}  max ${ms(fromAnswer[fromAnswer.length - 1])}`);
  } finally {
    await agent.stop();
    await server.stop();
  }
}

await main();
