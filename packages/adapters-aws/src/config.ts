/**
 * The deployment's configuration: the environment variables the Pulumi program sets on every
 * handler, listed once in `contract/environment.json` (the Pulumi program reads the same file).
 * This is the only module that reads them; handlers receive a validated `AwsConfig`, so a missing or malformed variable fails at cold start with
 * a message that names it instead of as an `undefined` deep inside an AWS call.
 */

import environment from './contract/environment.json' with { type: 'json' };

export type AssignPublicIp = 'ENABLED' | 'DISABLED';

export interface AwsConfig {
  readonly tableName: string;
  readonly artifactsBucket: string;
  readonly clusterArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: AssignPublicIp;
  readonly efsFileSystemId: string;
  readonly ecrRepositoryUri: string;
  readonly taskExecutionRoleArn: string;
  readonly jobTaskRoleArn: string;
  readonly builderTaskRoleArn: string;
  readonly builderImage: string;
  readonly taskLogGroup: string;
  readonly githubAppId: string;
  readonly githubPrivateKeySecretArn: string;
  readonly webhookSecretArn: string;
  /** The deployment's KMS key: repositories' secrets are created and set under it (`secrets/repository-secrets.ts`). */
  readonly secretsKeyArn: string;
  readonly plannerFunctionName: string;
  readonly stepperFunctionName: string;
  readonly efsFunctionName: string;
  readonly schedulerGroupName: string;
  readonly schedulerRoleArn: string;
  readonly manualRunFunctionArn: string;
  /** The queue of delayed wake-ups (`aws/wakeup-queue.ts`). */
  readonly wakeupQueueUrl: string;
  /** Region whose Fargate prices cost figures use; the Lambda's own region when unset. */
  readonly priceRegion?: string;
  /** `REPOS=PRINCIPAL` entries: who may manage which repositories' secrets (`secrets/managers.ts`); everyone the API lets in when unset. */
  readonly secretsManagers?: readonly string[];
  /**
   * The deployment's name prefix (`HYPERP_FAMILY_PREFIX`, default `hyperp`): job and builder
   * task-definition families are `{prefix}_…`, the only ones the deployment's roles may run or delete.
   */
  readonly familyPrefix: string;
  /** The Lambda's region (`AWS_REGION`, set by the Lambda runtime). */
  readonly region?: string;
  /**
   * Root directory of the EFS access point (`HYPERP_EFS_ROOT_DIRECTORY`, default `/hyperp`): job
   * tasks mount `{root}/{artifact path}` with IAM authorization, the EFS helper sees the root at
   * its mount path through the access point, so both must name the same directory.
   */
  readonly efsRootDirectory: string;
}

/** One variable of `contract/environment.json`: the list the Pulumi program sets, too. */
export interface EnvironmentVariable {
  readonly name: string;
  /** The `AwsConfig` field it fills. */
  readonly field: string;
  readonly type: 'string' | 'list' | 'enum';
  readonly required: boolean;
  readonly values?: readonly string[];
  readonly default?: string;
  readonly meaning: string;
}

export const environmentVariables: readonly EnvironmentVariable[] = environment.variables as EnvironmentVariable[];

/** Every variable the handlers read, required ones first. */
export const configVariables: readonly string[] = environmentVariables.map((v) => v.name);

export type ConfigProblem =
  | { readonly _tag: 'Missing'; readonly variable: string }
  | { readonly _tag: 'Invalid'; readonly variable: string; readonly value: string; readonly expected: string };

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      'hyperp is misconfigured: ' +
        problems
          .map((p) =>
            p._tag === 'Missing'
              ? `${p.variable} is not set`
              : `${p.variable} is ${JSON.stringify(p.value)}, expected ${p.expected}`,
          )
          .join('; '),
    );
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and checks every variable at once, so one deployment fix covers all of them. */
export const loadConfig = (env: Env): AwsConfig => {
  const problems: ConfigProblem[] = [];
  const fields: Record<string, string | string[]> = {};
  for (const v of environmentVariables) {
    const raw = env[v.name]?.trim() ?? '';
    if (raw === '') {
      if (v.required) problems.push({ _tag: 'Missing', variable: v.name });
      else if (v.default !== undefined) fields[v.field] = v.default;
      continue;
    }
    switch (v.type) {
      case 'string':
        fields[v.field] = raw;
        break;
      case 'list': {
        const items = raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
        if (items.length === 0) problems.push({ _tag: 'Invalid', variable: v.name, value: raw, expected: 'a comma-separated list of ids' });
        fields[v.field] = items;
        break;
      }
      case 'enum':
        if (!v.values?.includes(raw)) problems.push({ _tag: 'Invalid', variable: v.name, value: raw, expected: (v.values ?? []).join(' or ') });
        fields[v.field] = raw;
        break;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const region = env['AWS_REGION']?.trim();
  return { ...fields, ...(region ? { region } : {}) } as unknown as AwsConfig;
};
