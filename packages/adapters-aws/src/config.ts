/**
 * The deployment's configuration: the environment variables the Pulumi program sets on every
 * handler (the contract in docs/operations.md). This is the only module that reads them; handlers
 * receive a validated `AwsConfig`, so a missing or malformed variable fails at cold start with
 * a message that names it instead of as an `undefined` deep inside an AWS call.
 */

export type AssignPublicIp = 'ENABLED' | 'DISABLED';

export interface AwsConfig {
  readonly tableName: string;
  readonly artifactsBucket: string;
  readonly clusterArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: AssignPublicIp;
  readonly efsFileSystemId: string;
  readonly efsAccessPointId: string;
  readonly ecrRepositoryUri: string;
  readonly taskExecutionRoleArn: string;
  readonly jobTaskRoleArn: string;
  readonly builderTaskRoleArn: string;
  readonly builderImage: string;
  readonly zipTaskRoleArn: string;
  readonly taskLogGroup: string;
  readonly githubAppId: string;
  readonly githubPrivateKeySecretArn: string;
  readonly webhookSecretArn: string;
  readonly plannerFunctionName: string;
  readonly stepperFunctionName: string;
  readonly efsFunctionName: string;
  readonly schedulerGroupName: string;
  readonly schedulerRoleArn: string;
  readonly manualRunFunctionArn: string;
  /** Region whose Fargate prices cost figures use; the Lambda's own region when unset. */
  readonly priceRegion?: string;
  /** The Lambda's region (`AWS_REGION`, set by the Lambda runtime). */
  readonly region?: string;
  /**
   * Root directory of the EFS access point (`HYPERP_EFS_ROOT_DIRECTORY`, default `/hyperp`): job
   * tasks mount `{root}/{artifact path}` with IAM authorization, the EFS helper sees the root at
   * its mount path through the access point, so both must name the same directory.
   */
  readonly efsRootDirectory: string;
}

export const DEFAULT_EFS_ROOT_DIRECTORY = '/hyperp';

/** Each field, the variable it comes from, and how its text is read. */
const stringVars = {
  tableName: 'HYPERP_TABLE_NAME',
  artifactsBucket: 'HYPERP_ARTIFACTS_BUCKET',
  clusterArn: 'HYPERP_CLUSTER_ARN',
  efsFileSystemId: 'HYPERP_EFS_FILE_SYSTEM_ID',
  efsAccessPointId: 'HYPERP_EFS_ACCESS_POINT_ID',
  ecrRepositoryUri: 'HYPERP_ECR_REPOSITORY_URI',
  taskExecutionRoleArn: 'HYPERP_TASK_EXECUTION_ROLE_ARN',
  jobTaskRoleArn: 'HYPERP_JOB_TASK_ROLE_ARN',
  builderTaskRoleArn: 'HYPERP_BUILDER_TASK_ROLE_ARN',
  builderImage: 'HYPERP_BUILDER_IMAGE',
  zipTaskRoleArn: 'HYPERP_ZIP_TASK_ROLE_ARN',
  taskLogGroup: 'HYPERP_TASK_LOG_GROUP',
  githubAppId: 'HYPERP_GITHUB_APP_ID',
  githubPrivateKeySecretArn: 'HYPERP_GITHUB_PRIVATE_KEY_SECRET_ARN',
  webhookSecretArn: 'HYPERP_WEBHOOK_SECRET_ARN',
  plannerFunctionName: 'HYPERP_PLANNER_FUNCTION_NAME',
  stepperFunctionName: 'HYPERP_STEPPER_FUNCTION_NAME',
  efsFunctionName: 'HYPERP_EFS_FUNCTION_NAME',
  schedulerGroupName: 'HYPERP_SCHEDULER_GROUP_NAME',
  schedulerRoleArn: 'HYPERP_SCHEDULER_ROLE_ARN',
  manualRunFunctionArn: 'HYPERP_MANUAL_RUN_FUNCTION_ARN',
} as const;

const listVars = {
  subnetIds: 'HYPERP_SUBNET_IDS',
  securityGroupIds: 'HYPERP_SECURITY_GROUP_IDS',
} as const;

/** Every variable the handlers read, required ones first. */
export const configVariables: readonly string[] = [
  ...Object.values(stringVars),
  ...Object.values(listVars),
  'HYPERP_ASSIGN_PUBLIC_IP',
  'HYPERP_PRICE_REGION',
  'HYPERP_EFS_ROOT_DIRECTORY',
];

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
  const text = (variable: string): string => {
    const value = env[variable]?.trim();
    if (value === undefined || value === '') {
      problems.push({ _tag: 'Missing', variable });
      return '';
    }
    return value;
  };
  const list = (variable: string): string[] => {
    const raw = text(variable);
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (raw !== '' && items.length === 0) {
      problems.push({ _tag: 'Invalid', variable, value: raw, expected: 'a comma-separated list of ids' });
    }
    return items;
  };

  const strings = Object.fromEntries(
    Object.entries(stringVars).map(([field, variable]) => [field, text(variable)]),
  ) as Record<keyof typeof stringVars, string>;
  const subnetIds = list(listVars.subnetIds);
  const securityGroupIds = list(listVars.securityGroupIds);
  const ip = text('HYPERP_ASSIGN_PUBLIC_IP');
  if (ip !== '' && ip !== 'ENABLED' && ip !== 'DISABLED') {
    problems.push({ _tag: 'Invalid', variable: 'HYPERP_ASSIGN_PUBLIC_IP', value: ip, expected: 'ENABLED or DISABLED' });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const priceRegion = env['HYPERP_PRICE_REGION']?.trim();
  const region = env['AWS_REGION']?.trim();
  return {
    ...strings,
    subnetIds,
    securityGroupIds,
    assignPublicIp: ip as AssignPublicIp,
    efsRootDirectory: env['HYPERP_EFS_ROOT_DIRECTORY']?.trim() || DEFAULT_EFS_ROOT_DIRECTORY,
    ...(priceRegion ? { priceRegion } : {}),
    ...(region ? { region } : {}),
  };
};
