/**
 * Who may do what: one list of statements per role, computed from resolved ARNs. Each grant
 * names the handler code that needs it, so removing a feature shows which grant to drop.
 * Least privilege, as the issue asks: job tasks get no table, secret, ECR push or control-plane
 * access; the builder may push only to hyperp's repository; the zip task may write only under
 * the downloads prefix.
 */
import { DOWNLOADS_PREFIX, SPILL_PREFIX, TASK_FAMILY_PREFIX, type FunctionName, type TaskKind } from '../names.js';
import { allow, type Statement } from './statements.js';

/** Every ARN and name the grants refer to, resolved. */
export interface PlatformArns {
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
  readonly taskLogGroup: string;
  readonly functionLogGroups: Readonly<Record<FunctionName, string>>;
  readonly functions: Readonly<Record<FunctionName, string>>;
  readonly executionRole: string;
  readonly taskRoles: Readonly<Record<TaskKind, string>>;
  readonly schedulerRole: string;
  readonly schedulerGroupName: string;
  readonly deadLetterQueue: string;
}

/** Item-level reads and writes; no table administration, no Scan, no wildcard. */
export const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

const ECR_PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'] as const;
const ECR_PUSH = ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'] as const;

const logsOf = (logGroupArn: string): string[] => [logGroupArn, `${logGroupArn}:*`];

const tableItems = (a: PlatformArns): Statement =>
  allow('RunStore', TABLE_ITEM_ACTIONS, [a.table, `${a.table}/index/*`]);

const spill = (a: PlatformArns): Statement =>
  allow('LargeBodies', ['s3:GetObject', 's3:PutObject'], [`${a.bucket}/${SPILL_PREFIX}*`]);

const ownLogs = (a: PlatformArns, fn: FunctionName): Statement =>
  allow('OwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], logsOf(a.functionLogGroups[fn]));

const invoke = (sid: string, a: PlatformArns, fns: readonly FunctionName[]): Statement =>
  allow(sid, ['lambda:InvokeFunction'], fns.map((f) => a.functions[f]));

/**
 * Tasks mount `{root}/{artifact path}` of the file system itself, with IAM authorization and
 * TLS (core's render: ECS rejects a volume that names an access point and a root directory
 * other than `/`). Containers often run as root, hence ClientRootAccess.
 */
const efsForTasks = (a: PlatformArns, write: boolean): Statement =>
  allow(
    'ArtifactsFileSystem',
    ['elasticfilesystem:ClientMount', ...(write ? ['elasticfilesystem:ClientWrite'] : []), 'elasticfilesystem:ClientRootAccess'],
    [a.fileSystem],
  );

/** The `efs` function mounts the access point (uid and gid 1000, root `/hyperp`) only. */
const efsThroughAccessPoint = (a: PlatformArns): Statement =>
  allow('ArtifactsAccessPoint', ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], [a.fileSystem], {
    StringEquals: { 'elasticfilesystem:AccessPointArn': a.accessPoint },
  });

const writeDownloads = (a: PlatformArns): Statement =>
  allow('WriteDownloads', ['s3:PutObject', 's3:AbortMultipartUpload'], [`${a.bucket}/${DOWNLOADS_PREFIX}*`]);

/** Asynchronous invocations that fail for good go to the dead-letter queue with the function's role. */
const failedInvocations = (a: PlatformArns): Statement =>
  allow('FailedInvocations', ['sqs:SendMessage'], [a.deadLetterQueue]);

const clusterTasks = (a: PlatformArns): string =>
  `arn:${a.partition}:ecs:${a.region}:${a.accountId}:task/${a.clusterName}/*`;

const taskDefinitions = (a: PlatformArns): string =>
  `arn:${a.partition}:ecs:${a.region}:${a.accountId}:task-definition/${TASK_FAMILY_PREFIX}*`;

const onCluster = (a: PlatformArns) => ({ ArnEquals: { 'ecs:cluster': a.cluster } });

/** Statements of each function's role. */
export const functionGrants = (fn: FunctionName, a: PlatformArns): Statement[] => {
  switch (fn) {
    case 'webhook':
      // Verifies the signature, records the delivery id, hands planning to the planner.
      return [
        ownLogs(a, fn),
        allow('WebhookSecret', ['secretsmanager:GetSecretValue'], [a.webhookSecret]),
        tableItems(a),
        invoke('PlanAsync', a, ['planner']),
      ];
    case 'planner':
      // Reads the repository through the GitHub App, the image store, writes RunRequested, and
      // keeps one EventBridge Scheduler schedule per cron trigger in hyperp's group.
      return [
        ownLogs(a, fn),
        allow('GitHubAppKey', ['secretsmanager:GetSecretValue'], [a.githubPrivateKeySecret]),
        tableItems(a),
        spill(a),
        allow('ImageExists', ['ecr:DescribeImages'], [a.repository]),
        allow(
          'CronSchedules',
          ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
          [`arn:${a.partition}:scheduler:${a.region}:${a.accountId}:schedule/${a.schedulerGroupName}/*`],
        ),
        // ListSchedules has no resource type: it can only be granted on "*" (Service
        // Authorization Reference, EventBridge Scheduler, read 2026-11).
        allow('ListCronSchedules', ['scheduler:ListSchedules'], ['*']),
        allow('PassSchedulerRole', ['iam:PassRole'], [a.schedulerRole], {
          StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
        }),
        failedInvocations(a),
      ];
    case 'task-events':
      // Appends normalised ECS task state changes to the run's log.
      return [ownLogs(a, fn), tableItems(a), spill(a), failedInvocations(a)];
    case 'stepper':
      return [
        ownLogs(a, fn),
        tableItems(a),
        allow('EventStream', ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], [a.tableStream]),
        spill(a),
        // RegisterTaskDefinition, DeregisterTaskDefinition and DescribeTaskDefinition take no
        // resource ARN (Service Authorization Reference, Amazon ECS, read 2026-11).
        allow('TaskDefinitions', ['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition', 'ecs:DescribeTaskDefinition'], ['*']),
        allow('DeleteTaskDefinitions', ['ecs:DeleteTaskDefinitions'], [taskDefinitions(a)]),
        allow('RunTasks', ['ecs:RunTask'], [taskDefinitions(a)], onCluster(a)),
        allow('ManageTasks', ['ecs:StopTask', 'ecs:DescribeTasks'], [clusterTasks(a)], onCluster(a)),
        // Tagging a task or task definition as it is created needs TagResource on the new resource.
        allow('TagOnCreate', ['ecs:TagResource'], [clusterTasks(a), taskDefinitions(a)], {
          StringEquals: { 'ecs:CreateAction': ['RunTask', 'RegisterTaskDefinition'] },
        }),
        allow('PassTaskRoles', ['iam:PassRole'], [a.executionRole, a.taskRoles.job, a.taskRoles.builder, a.taskRoles.zip], {
          StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
        }),
        allow('ImageExists', ['ecr:DescribeImages'], [a.repository]),
        invoke('DirectoryCommands', a, ['efs']),
        allow('CommitStatuses', ['secretsmanager:GetSecretValue'], [a.githubPrivateKeySecret]),
        // The stream mapping's on-failure destination is sent with the function's role.
        allow('StreamFailures', ['sqs:SendMessage'], [a.deadLetterQueue]),
      ];
    case 'sweep':
      // Ticks active runs and reconciles tasks whose ECS events were lost.
      return [
        ownLogs(a, fn),
        tableItems(a),
        spill(a),
        allow('ListClusterTasks', ['ecs:ListTasks'], ['*'], onCluster(a)),
        allow('ReconcileTasks', ['ecs:DescribeTasks', 'ecs:StopTask'], [clusterTasks(a)], onCluster(a)),
      ];
    case 'api':
      // The CLI's API: runs, logs, downloads (presigned with this role), cancel, rerun, manual runs.
      return [
        ownLogs(a, fn),
        tableItems(a),
        spill(a),
        allow('TaskLogs', ['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:DescribeLogStreams'], logsOf(a.taskLogGroup)),
        allow('Downloads', ['s3:GetObject'], [`${a.bucket}/${DOWNLOADS_PREFIX}*`]),
        invoke('PlanManualRuns', a, ['planner']),
        invoke('ZipOnRequest', a, ['efs']),
      ];
    case 'efs':
      // Makes a run's directories; zips a job's output to S3 and appends the result event.
      return [
        ownLogs(a, fn),
        efsThroughAccessPoint(a),
        tableItems(a),
        spill(a),
        writeDownloads(a),
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
  }
};

/** Statements of each task kind's role (the task's own AWS identity). */
export const taskGrants = (kind: TaskKind, a: PlatformArns): Statement[] => {
  switch (kind) {
    case 'job':
      // Only the artifacts: jobs are user code and must not reach hyperp's control plane.
      return [efsForTasks(a, true)];
    case 'builder':
      return [
        efsForTasks(a, false),
        // GetAuthorizationToken takes no resource ARN (Amazon ECR user guide, read 2026-11).
        allow('RegistryLogin', ['ecr:GetAuthorizationToken'], ['*']),
        allow('PushImages', [...ECR_PULL, ...ECR_PUSH], [a.repository]),
      ];
    case 'zip':
      return [efsForTasks(a, false), writeDownloads(a)];
  }
};

/** The task execution role: what ECS itself needs to start any hyperp task. */
export const executionGrants = (a: PlatformArns): Statement[] => [
  allow('RegistryLogin', ['ecr:GetAuthorizationToken'], ['*']),
  allow('PullImages', [...ECR_PULL], [a.repository]),
  allow('TaskLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], logsOf(a.taskLogGroup)),
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
 * new function URLs need both actions (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html,
 * read 2026-11).
 */
export const cliUserGrants = (a: PlatformArns): Statement[] => [
  allow('HyperpApi', ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'], [a.functions.api]),
];
