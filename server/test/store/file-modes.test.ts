// The data directory holds the database, the root key and the admin credential: all owner-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startTestServer } from '../support/test-server.ts';

test('the data directory and every file Coffer writes in it are readable only by their owner', async () => {
  const server = await startTestServer();
  try {
    await server.client().send(new CreateSecretCommand({ Name: 'modes', SecretString: 'v' }));
    assert.equal(statSync(server.dataDir).mode & 0o777, 0o700, 'data directory');
    for (const file of ['coffer.db', 'coffer.db-wal', 'root.key', 'credentials']) {
      assert.equal(statSync(join(server.dataDir, file)).mode & 0o777, 0o600, file);
    }
  } finally {
    await server.close();
  }
});
