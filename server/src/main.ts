// Process entry of the server: configuration, start, the first-start message, and clean shutdown.
import { createApp } from './app.ts';
import { loadConfig, type ConfigFlags } from './config.ts';
import { PROFILE } from './bootstrap.ts';

export async function runServer(flags: ConfigFlags): Promise<void> {
  const config = loadConfig(flags);
  const app = await createApp(config);
  const { url } = await app.listen();
  const where = config.dev ? 'in memory (dev mode: any credentials accepted)' : config.databaseUrl ? 'PostgreSQL' : `${config.dataDir}`;
  console.log(`Coffer listening on ${url} — account ${app.accountId}, data ${where}`);
  if (app.adminCredential) {
    const file = app.adminCredential.credentialsFile;
    console.log(
      [
        '',
        `First start: created the admin credential for account ${app.accountId} (access key ${app.adminCredential.accessKeyId}).`,
        `It is saved, readable only by you, as profile "${PROFILE}" in ${file}. To use it:`,
        `  export AWS_SHARED_CREDENTIALS_FILE=${file} AWS_PROFILE=${PROFILE} AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1`,
        `  aws --endpoint-url ${url} secretsmanager list-secrets`,
        `SDKs: set the endpoint to ${url}, e.g. new SecretsManagerClient({ endpoint: '${url}' }) or`,
        `  boto3.client('secretsmanager', endpoint_url='${url}'), with the same profile.`,
        '',
      ].join('\n'),
    );
  }
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
