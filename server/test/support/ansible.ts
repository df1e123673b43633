// Runs a playbook of server/test/e2e/ansible against a test server with ansible-playbook, as a user would: the
// `coffer` profile the server wrote, the endpoint passed to the modules, and no configuration of the machine's user
// (a HOME, temp folders and ansible.cfg of the test's own). The JSON callback's output is read into a recap.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cofferProfileEnv, run } from './aws-tools.ts';
import type { TestServer } from './test-server.ts';

export const PLAYBOOKS = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e', 'ansible');

export interface PlaybookRun {
  code: number;
  /** the recap's counts for localhost */
  changed: number;
  failures: number;
  /** each failed task with its message (the AWS error the module reported) */
  failed: string[];
  /** the names of the tasks that reported a change */
  changedTasks: string[];
  output: string;
}

interface HostResult {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
}
interface JsonCallbackOutput {
  plays: Array<{ tasks: Array<{ task: { name: string }; hosts: Record<string, HostResult> }> }>;
  stats: Record<string, { changed: number; failures: number }>;
}

export async function runPlaybook(ansiblePlaybook: string, playbook: string, server: TestServer): Promise<PlaybookRun> {
  const home = join(server.dataDir, 'ansible-home');
  const env = cofferProfileEnv(server.dataDir);
  Object.assign(env, {
    HOME: home,
    ANSIBLE_CONFIG: join(PLAYBOOKS, 'ansible.cfg'),
    ANSIBLE_LOCAL_TEMP: join(home, 'local-tmp'),
    ANSIBLE_REMOTE_TEMP: join(home, 'remote-tmp'),
    ANSIBLE_NOCOLOR: '1',
    AWS_DATA_PATH: secretsManagerEndpointData(home, server.endpoint),
  });
  const args = [join(PLAYBOOKS, playbook), '--extra-vars', JSON.stringify({ coffer_endpoint: server.endpoint })];
  const result = await run(ansiblePlaybook, args, env, 180_000);
  const output = `${result.stdout}\n${result.stderr}`;
  let parsed: JsonCallbackOutput;
  try {
    parsed = JSON.parse(result.stdout) as JsonCallbackOutput;
  } catch {
    throw new Error(`ansible-playbook printed no JSON recap (exit ${result.code}):\n${output}`);
  }
  const tasks = parsed.plays.flatMap((p) => p.tasks).map((t) => ({ name: t.task.name, result: t.hosts.localhost ?? {} }));
  const stats = parsed.stats.localhost ?? { changed: 0, failures: 0 };
  return {
    code: result.code,
    changed: stats.changed,
    failures: stats.failures,
    failed: tasks.filter((t) => t.result.failed).map((t) => `${t.name}: ${t.result.msg ?? JSON.stringify(t.result)}`),
    changedTasks: tasks.filter((t) => t.result.changed).map((t) => t.name),
    output,
  };
}

/**
 * amazon.aws 5's aws_secret lookup takes no endpoint_url (modules do), so it reaches Coffer the way botocore lets a
 * user redirect a service: an endpoint rule set in a data folder on AWS_DATA_PATH. It keeps an explicit endpoint
 * (the modules' endpoint_url) first and otherwise answers the test server's.
 */
function secretsManagerEndpointData(home: string, endpoint: string): string {
  const dataPath = join(home, 'botocore-data');
  const dir = join(dataPath, 'secretsmanager', '2017-10-17');
  mkdirSync(dir, { recursive: true });
  const param = (builtIn: string, type: string, extra: object = {}) => ({ builtIn, required: false, documentation: builtIn, type, ...extra });
  const ruleSet = {
    version: '1.0',
    parameters: {
      Region: param('AWS::Region', 'String'),
      UseDualStack: param('AWS::UseDualStack', 'Boolean', { required: true, default: false }),
      UseFIPS: param('AWS::UseFIPS', 'Boolean', { required: true, default: false }),
      Endpoint: param('SDK::Endpoint', 'String'),
    },
    rules: [
      {
        conditions: [{ fn: 'isSet', argv: [{ ref: 'Endpoint' }] }],
        endpoint: { url: { ref: 'Endpoint' }, properties: {}, headers: {} },
        type: 'endpoint',
      },
      { conditions: [], endpoint: { url: endpoint, properties: {}, headers: {} }, type: 'endpoint' },
    ],
  };
  writeFileSync(join(dir, 'endpoint-rule-set-1.json'), JSON.stringify(ruleSet));
  return dataPath;
}
