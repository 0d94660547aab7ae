/**
 * Who may do what: one list of statements per role, computed from resolved ARNs. The functions'
 * grants come from the adapters' permissions manifest (what their code calls, checked against the
 * bundles), plus what the deployment's own wiring needs. Least privilege, as the issue asks: job tasks get no table, secret, ECR push or control-plane
 * access; the builder may push only to hyperp's repository.
 */
import { readPermissions, type PermissionsManifest } from '../contract.js';
import type { FunctionName, TaskKind } from '../names.js';
import { logsOf, scopeOf } from './resource-kinds.js';
import { noSecretsKey, secretsKeyGrants } from './secrets-key.js';
import { allow, deny, type Statement } from './statements.js';

let manifest: PermissionsManifest | undefined;
/** The adapters' permissions manifest, read once. */
export const permissions = (): PermissionsManifest => (manifest ??= readPermissions());

/** Every ARN and name the grants refer to, resolved. */
export interface PlatformArns {
  /** The deployment's name prefix: its task-definition families are `{namePrefix}_…`. */
  readonly namePrefix: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly table: string;
  readonly tableStream: string;
  readonly bucket: string;
  readonly repository: string;
  readonly cluster: string;
  readonly clusterName: string;
  readonly fileSystem: string;
  readonly accessPoint: string;
  readonly githubPrivateKeySecret: string;
  readonly webhookSecret: string;
  /** The deployment's KMS key of every secret (`secrets-key.ts`). */
  readonly secretsKey: string;
  readonly taskLogGroup: string;
  readonly functionLogGroups: Readonly<Record<FunctionName, string>>;
  readonly functions: Readonly<Record<FunctionName, string>>;
  readonly executionRole: string;
  readonly taskRoles: Readonly<Record<TaskKind, string>>;
  readonly schedulerRole: string;
  readonly schedulerGroupName: string;
  readonly deadLetterQueue: string;
  readonly wakeupQueue: string;
}

const ECR_PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'] as const;
const ECR_PUSH = ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'] as const;

const invoke = (sid: string, a: PlatformArns, fns: readonly FunctionName[]): Statement =>
  allow(sid, ['lambda:InvokeFunction'], fns.map((f) => a.functions[f]));

const ownLogs = (a: PlatformArns, fn: FunctionName): Statement =>
  allow('OwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], logsOf(a.functionLogGroups[fn]));

/**
 * Jobs mount their run's folders through access points the stepper creates for the run, each
 * rooted at one folder with a fixed POSIX user (`adapters-aws` `src/efs/access-points.ts`), with
 * IAM authorization and TLS. The role may mount only through some access point (a mount without
 * one would let the job's own NFS client take the file system's root and any uid), never
 * through the efs function's, and never as root. The denies also hold against the managed
 * policies a deployment attaches to the role (`hyperp:jobTaskPolicyArns`): explicit denies win
 * (IAM User Guide, "Policy evaluation logic", read 2026-12). Access point ids are the
 * capability: the role may not call what lists them or the task definitions that name them.
 * The file system's own policy repeats the first two (`artifacts-access.ts`).
 */
const efsForTasks = (a: PlatformArns): Statement[] => [
  allow('ArtifactsThroughAccessPoints', ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], [a.fileSystem], {
    Null: { 'elasticfilesystem:AccessPointArn': 'false' },
    Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' },
  }),
  deny('NotTheHelpersAccessPoint', ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'], [a.fileSystem], {
    StringEquals: { 'elasticfilesystem:AccessPointArn': a.accessPoint },
  }),
  deny('NoAccessPointDiscovery', ['elasticfilesystem:DescribeAccessPoints', 'ecs:DescribeTaskDefinition', 'ecs:DescribeTasks', 'ecs:ListTasks', 'cloudtrail:LookupEvents'], ['*']),
];

/**
 * Repositories' secrets live in Secrets Manager under `{namePrefix}/{owner}/{repo}/{name}`
 * (docs/secrets.md). A job reads its own as files the control plane writes for its run, never
 * with its own AWS identity: the job role may not read, list or describe any of them, also when
 * the deployment attaches managed policies to it (`hyperp:jobTaskPolicyArns`; explicit denies
 * win), so a job of one repository cannot reach another's with its own SDK calls.
 */
export const repositorySecrets = (a: Pick<PlatformArns, 'partition' | 'region' | 'accountId' | 'namePrefix'>): string =>
  `arn:${a.partition}:secretsmanager:${a.region}:${a.accountId}:secret:${a.namePrefix}/*`;

export const SECRET_READ_ACTIONS = [
  'secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue', 'secretsmanager:DescribeSecret',
  'secretsmanager:ListSecretVersionIds', 'secretsmanager:GetResourcePolicy', 'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret', 'secretsmanager:DeleteSecret',
] as const;

const noRepositorySecrets = (a: PlatformArns): Statement => deny('NoRepositorySecrets', [...SECRET_READ_ACTIONS], [repositorySecrets(a)]);

/**
 * ListSecrets names no secret, so it can only be denied on "*" (Service Authorization Reference,
 * AWS Secrets Manager, read 2026-12): a job may not list the account's secrets either, which
 * would show which repositories have which secrets. Reading one it is given by name, outside the
 * prefix, stays the deployment's choice.
 */
const noSecretListing = (): Statement => deny('NoSecretListing', ['secretsmanager:ListSecrets'], ['*']);

/** The `efs` function mounts the access point (uid and gid 1000, root `/hyperp`) only. */
const efsThroughAccessPoint = (a: PlatformArns): Statement =>
  allow('ArtifactsAccessPoint', ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], [a.fileSystem], {
    StringEquals: { 'elasticfilesystem:AccessPointArn': a.accessPoint },
  });

/**
 * What the deployment's wiring needs of a function's role, whatever its code calls: its own log
 * group; the dead-letter queue its failed asynchronous invocations or stream batches go to
 * (sent with the function's role); the stream the stepper's event source mapping reads; the
 * network interfaces and the access point of the function in the VPC.
 */
const platformGrants = (fn: FunctionName, a: PlatformArns): Statement[] => {
  switch (fn) {
    case 'planner':
    case 'task-events':
      return [ownLogs(a, fn), allow('FailedInvocations', ['sqs:SendMessage'], [a.deadLetterQueue])];
    case 'stepper':
      return [
        ownLogs(a, fn),
        allow('EventStream', ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], [a.tableStream]),
        // Stream batches and asynchronous invocations that keep failing are sent with the function's role.
        allow('FailedInvocations', ['sqs:SendMessage'], [a.deadLetterQueue]),
        // The wake-up queue's event source mapping receives with the function's role.
        allow('ReceiveWakeUps', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [a.wakeupQueue]),
      ];
    case 'efs':
      return [
        ownLogs(a, fn),
        allow('FailedInvocations', ['sqs:SendMessage'], [a.deadLetterQueue]),
        efsThroughAccessPoint(a),
        // Lambda creates the function's network interfaces with its role; these actions take
        // no resource ARN (AWSLambdaVPCAccessExecutionRole grants the same, read 2026-11).
        allow('VpcNetworkInterfaces', [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ], ['*']),
      ];
    default:
      return [ownLogs(a, fn)];
  }
};

/**
 * Statements of each function's role: the deployment's wiring, then exactly what the adapters'
 * permissions manifest says its code calls (`packages/adapters-aws/src/contract/permissions.json`,
 * derived from the bundles by the adapters' tests), each kind of resource scoped to this
 * deployment's ARNs.
 */
export const functionGrants = (fn: FunctionName, a: PlatformArns, m: PermissionsManifest = permissions()): Statement[] => {
  const needs = m.functions[fn].map((p) => {
    const { resources, condition } = scopeOf(p.on, a, m);
    return allow(p.sid, p.actions, resources, condition);
  });
  // The secrets key follows from the secrets each function may read or write (`secrets-key.ts`).
  return [...platformGrants(fn, a), ...needs, ...secretsKeyGrants(needs, a)];
};

/** Statements of each task kind's role (the task's own AWS identity). */
export const taskGrants = (kind: TaskKind, a: PlatformArns, m: PermissionsManifest = permissions()): Statement[] => {
  switch (kind) {
    case 'job':
      // Only the artifacts: jobs are user code and must not reach hyperp's control plane.
      return [...efsForTasks(a), noRepositorySecrets(a), noSecretListing(), noSecretsKey(a)];
    case 'builder':
      // Builds read their context from S3, packed by the stepper (adapters-aws src/contexts/):
      // only that prefix, read-only; no git credential, nothing of the artifacts file system.
      return [
        // GetAuthorizationToken takes no resource ARN (Amazon ECR user guide, read 2026-11).
        allow('RegistryLogin', ['ecr:GetAuthorizationToken'], ['*']),
        allow('PushImages', [...ECR_PULL, ...ECR_PUSH], [a.repository]),
        allow('ReadBuildContexts', ['s3:GetObject'], [`${a.bucket}/${m.s3Prefixes.buildContexts}*`]),
        // A build runs the repository's Dockerfile: it reads no repository's secret either.
        noRepositorySecrets(a), noSecretsKey(a),
      ];
  }
};

/** The task execution role: what ECS itself needs to start any hyperp task. */
export const executionGrants = (a: PlatformArns): Statement[] => [
  allow('RegistryLogin', ['ecr:GetAuthorizationToken'], ['*']),
  allow('PullImages', [...ECR_PULL], [a.repository]),
  allow('TaskLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], logsOf(a.taskLogGroup)),
  // Every task shares this role, and a repository's task definition may name any `valueFrom` in
  // its containers' `secrets`: were ECS allowed repositories' secrets, B's task could name A's.
  noRepositorySecrets(a), noSecretsKey(a),
];

/** The role cron schedules run with: start a manual-style run through the API function. */
export const schedulerGrants = (a: PlatformArns): Statement[] => [invoke('StartCronRuns', a, ['api'])];

/** The role of the once-a-minute sweep schedule. */
export const sweepScheduleGrants = (a: PlatformArns): Statement[] => [
  invoke('Sweep', a, ['sweep']),
  allow('UndeliveredSweeps', ['sqs:SendMessage'], [a.deadLetterQueue]),
];

/**
 * What a CLI user needs to call the API's IAM-authenticated Function URL. Since October 2025
 * new function URLs need both actions; `lambda:InvokedViaFunctionUrl` limits InvokeFunction to
 * calls made through the URL (Lambda Developer Guide, "Control access to Lambda function URLs",
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html, read 2026-12), so a CLI user
 * cannot Invoke the function directly with a payload the URL would never produce (the cron
 * schedules' `{"kind":"cron"}`, which skips the workflow's `triggers.manual`).
 */
export const cliUserGrants = (a: PlatformArns): Statement[] => [
  allow('HyperpApiUrl', ['lambda:InvokeFunctionUrl'], [a.functions.api]),
  allow('HyperpApiViaUrl', ['lambda:InvokeFunction'], [a.functions.api], { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } }),
];
