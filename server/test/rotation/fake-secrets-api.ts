// An in-memory Secrets Manager with just what a rotation template calls, for driving a template's four
// steps without a server (Oracle and SQL Server, whose databases cannot run here, are faked as well).
import type { SecretsApi } from '../../src/rotation/functions/templates/secrets-api.ts';
import { STEPS } from '../../src/rotation/functions/types.ts';
import type { Invoke } from '../../src/rotation/functions/types.ts';

interface Version {
  value?: string;
  stages: string[];
}

const notFound = (message: string) => Object.assign(new Error(message), { name: 'ResourceNotFoundException' });

export function fakeSecretsApi() {
  const secrets = new Map<string, Map<string, Version>>();
  let counter = 0;
  const passwords: string[] = [];

  function versions(id: string): Map<string, Version> {
    const v = secrets.get(id);
    if (!v) throw notFound(`Secrets Manager can't find the specified secret: ${id}`);
    return v;
  }
  function moveStage(v: Map<string, Version>, stage: string, to: string | undefined): void {
    for (const version of v.values()) version.stages = version.stages.filter((s) => s !== stage);
    if (to) v.get(to)!.stages.push(stage);
  }
  const find = (v: Map<string, Version>, stage: string) => [...v.entries()].find(([, x]) => x.stages.includes(stage))?.[0];

  const api: SecretsApi = {
    describeSecret: async ({ SecretId }) => ({
      ARN: SecretId,
      RotationEnabled: true,
      VersionIdsToStages: Object.fromEntries([...versions(SecretId!).entries()].filter(([, x]) => x.stages.length).map(([id, x]) => [id, [...x.stages]])),
    }),
    getSecretValue: async ({ SecretId, VersionId, VersionStage }) => {
      const v = versions(SecretId!);
      const id = VersionId ?? find(v, VersionStage ?? 'AWSCURRENT');
      const version = id ? v.get(id) : undefined;
      if (!version?.value || (VersionStage && !version.stages.includes(VersionStage))) throw notFound("Secrets Manager can't find the specified secret value");
      return { ARN: SecretId, VersionId: id, SecretString: version.value, VersionStages: [...version.stages] };
    },
    putSecretValue: async ({ SecretId, ClientRequestToken, SecretString, VersionStages }) => {
      const v = versions(SecretId!);
      const version = v.get(ClientRequestToken!) ?? { stages: [] };
      version.value = SecretString;
      v.set(ClientRequestToken!, version);
      for (const stage of VersionStages ?? []) moveStage(v, stage, ClientRequestToken);
      return { ARN: SecretId, VersionId: ClientRequestToken };
    },
    updateSecretVersionStage: async ({ SecretId, VersionStage, MoveToVersionId }) => {
      const v = versions(SecretId!);
      if (VersionStage === 'AWSCURRENT') moveStage(v, 'AWSPREVIOUS', find(v, 'AWSCURRENT'));
      moveStage(v, VersionStage!, MoveToVersionId);
      return { ARN: SecretId };
    },
    getRandomPassword: async ({ ExcludeCharacters = '', PasswordLength = 32 }) => {
      const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&()*+,-.:;<=>?[]^_{|}~/@"\'\\'.split('').filter((c) => !ExcludeCharacters.includes(c));
      const password = Array.from({ length: PasswordLength }, (_, i) => alphabet[(i * 7 + counter * 13) % alphabet.length]).join('');
      counter++;
      passwords.push(password);
      return { RandomPassword: password };
    },
  };

  return {
    api,
    /** every password GetRandomPassword handed out */
    passwords,
    create(id: string, value: object): void {
      secrets.set(id, new Map([['v0', { value: JSON.stringify(value), stages: ['AWSCURRENT'] }]]));
    },
    value(id: string, stage = 'AWSCURRENT') {
      const v = versions(id);
      const version = v.get(find(v, stage) ?? '');
      return version?.value ? JSON.parse(version.value) : undefined;
    },
    /** RotateSecret's part: a new AWSPENDING placeholder, then the four steps in order; the service's cleanup */
    async rotate(id: string, invoke: Invoke): Promise<void> {
      const token = `t${++counter}`;
      const v = versions(id);
      v.set(token, { stages: [] });
      moveStage(v, 'AWSPENDING', token);
      for (const Step of STEPS) await invoke({ SecretId: id, ClientRequestToken: token, Step });
      moveStage(v, 'AWSPENDING', undefined);
    },
  };
}
