// AWS's own tooling for end-to-end tests: python3 with boto3 and the aws CLI, the aws CLI v2, Ansible with the
// AWS collections; found once per suite, run in an environment that holds none of the machine's AWS_* settings.
// Without them a suite is skipped with the reason, except under CI, where it fails.
import { execFile } from 'node:child_process';
import { after, before } from 'node:test';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startTestServer, type TestServer } from './test-server.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeout = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === -1 ? String(err) : '') });
    });
  });
}

/** The environment without any AWS_* setting of the machine: only what a test passes counts. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))), ...extra };
}

/** What the aws CLI and boto3 need to use the `coffer` profile a server wrote to its data directory. */
export function cofferProfileEnv(dataDir: string): NodeJS.ProcessEnv {
  return cleanEnv({
    AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'credentials'),
    AWS_PROFILE: 'coffer',
    AWS_DEFAULT_REGION: 'us-east-1',
    // No user configuration can leak in.
    AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
    AWS_PAGER: '',
  });
}

/** A tool found, or why it cannot be used. */
export type Found<T> = T | { missing: string };
export type AwsTools = Found<{ python: string; aws: string }>;

/** What a probe found; a tool missing under CI throws, since there a missing tool fails the run. */
async function requiredUnderCi<T extends object>(probing: Promise<Found<T>>): Promise<Found<T>> {
  const tools = await probing;
  if ('missing' in tools && process.env.CI === 'true') throw new Error(`${tools.missing}: required under CI`);
  return tools;
}

/** python3 (with boto3 when `boto3` is set) and the aws CLI; or why they cannot be used. Throws under CI. */
export function findAwsTools(options: { boto3: boolean }): Promise<AwsTools> {
  return requiredUnderCi(probe(options.boto3));
}

/** The aws CLI v2 (Debian's `awscli` installs it as /usr/bin/aws; a v1 may come first on the PATH). Throws under CI. */
export function findAwsCliV2(): Promise<Found<{ aws: string }>> {
  return requiredUnderCi(probeCliV2());
}

/** ansible-playbook with the amazon.aws and community.aws collections and boto3 in its python. Throws under CI. */
export function findAnsible(): Promise<Found<{ ansiblePlaybook: string }>> {
  return requiredUnderCi(probeAnsible());
}

async function probeCliV2(): Promise<Found<{ aws: string }>> {
  for (const aws of ['/usr/bin/aws', 'aws']) {
    const version = await run(aws, ['--version'], cleanEnv());
    if (version.code === 0 && version.stdout.startsWith('aws-cli/2.')) return { aws };
  }
  return { missing: 'the aws CLI v2 is not available (neither /usr/bin/aws nor aws on the PATH is aws-cli/2)' };
}

async function probeAnsible(): Promise<Found<{ ansiblePlaybook: string }>> {
  const ansiblePlaybook = 'ansible-playbook';
  const version = await run(ansiblePlaybook, ['--version'], cleanEnv());
  // "python version = 3.11.2 (main, …) [GCC 12.2.0] (/usr/bin/python3)": modules on localhost run with that python.
  const python = /python version = .*\((\/[^)]+)\)\s*$/m.exec(version.stdout)?.[1];
  if (version.code !== 0 || !python) return { missing: 'ansible-playbook is not available' };
  const imports = 'import boto3, botocore, ansible_collections.amazon.aws, ansible_collections.community.aws';
  const modules = await run(python, ['-c', imports], cleanEnv());
  if (modules.code !== 0) return { missing: `Ansible's python (${python}) lacks boto3 or the amazon.aws/community.aws collections` };
  return { ansiblePlaybook };
}

async function probe(boto3: boolean): Promise<AwsTools> {
  const found = await run('python3', ['-c', `import sys${boto3 ? ', boto3, botocore' : ''}; print(sys.executable)`], cleanEnv());
  if (found.code !== 0 && boto3) return { missing: `python3 with boto3 is not available (${(found.stderr.trim().split('\n').pop() ?? '').slice(0, 200)})` };
  const python = found.code === 0 ? found.stdout.trim() : 'python3';
  // Prefer the aws script next to that python: it skips version-manager shims (pyenv adds ~0.5 s a call).
  const besidePython = join(dirname(python), 'aws');
  const aws = found.code === 0 && existsSync(besidePython) ? besidePython : 'aws';
  const version = await run(aws, ['--version'], cleanEnv());
  if (version.code !== 0 || !/aws-cli\//.test(version.stdout + version.stderr)) return { missing: `the aws CLI is not available (${aws} --version failed)` };
  return { python, aws };
}

/**
 * A real server for the suite being declared (started before its tests, closed after them) and the
 * environment that points the aws CLI and boto3 at it with the `coffer` profile it wrote.
 */
export function serverForAwsTools(): { readonly server: TestServer; readonly env: NodeJS.ProcessEnv } {
  const state = {} as { server: TestServer; env: NodeJS.ProcessEnv };
  before(async () => {
    state.server = await startTestServer();
    state.env = cofferProfileEnv(state.server.dataDir);
  });
  after(() => state.server?.close());
  return state;
}
