import { createApp, loadConfig } from '../src/index.ts';
const app = await createApp(loadConfig({ dev: true, port: 0 }, {}));
const scope = { accountId: '000000000000', region: 'us-east-1' };
await app.secrets.createSecret(scope, { Name: 'p1', SecretString: 'hello', ClientRequestToken: 'a'.repeat(32) });
for (const n of [1000, 5000]) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await app.secrets.getSecretValue(scope, { SecretId: 'p1' });
  console.log('getSecretValue', n, ((performance.now() - t) / n * 1000).toFixed(1), 'us/op');
}
const t2 = performance.now();
for (let i = 0; i < 5000; i++) await app.store.db.selectFrom('secrets').selectAll().where('name', '=', 'p1').executeTakeFirst();
console.log('one kysely select', ((performance.now() - t2) / 5000 * 1000).toFixed(1), 'us/op');
await app.close();
