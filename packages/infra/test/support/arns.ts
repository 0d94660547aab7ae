// Resolved ARNs of a deployment, as the grants see them.
import type { PlatformArns } from '../../src/iam/grants.js';

const A = 'arn:aws';
const R = 'us-east-1:123456789012';
const fn = (n: string) => `${A}:lambda:${R}:function:hy-${n}`;
const log = (n: string) => `${A}:logs:${R}:log-group:/hyperp/hy/functions/${n}`;

export const arns: PlatformArns = {
  namePrefix: 'hy',
  partition: 'aws',
  region: 'us-east-1',
  accountId: '123456789012',
  table: `${A}:dynamodb:${R}:table/hy-runs`,
  tableStream: `${A}:dynamodb:${R}:table/hy-runs/stream/2026-11-22T07:00:00.000`,
  bucket: `${A}:s3:::hy-downloads`,
  repository: `${A}:ecr:${R}:repository/hy-images`,
  cluster: `${A}:ecs:${R}:cluster/hy-cluster`,
  clusterName: 'hy-cluster',
  fileSystem: `${A}:elasticfilesystem:${R}:file-system/fs-1`,
  accessPoint: `${A}:elasticfilesystem:${R}:access-point/fsap-1`,
  githubPrivateKeySecret: `${A}:secretsmanager:${R}:secret:key-AbCdEf`,
  webhookSecret: `${A}:secretsmanager:${R}:secret:hook-AbCdEf`,
  secretsKey: `${A}:kms:${R}:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`,
  taskLogGroup: `${A}:logs:${R}:log-group:/hyperp/hy/tasks`,
  functionLogGroups: {
    webhook: log('webhook'), planner: log('planner'), 'task-events': log('task-events'), stepper: log('stepper'),
    sweep: log('sweep'), api: log('api'), efs: log('efs'),
  },
  functions: {
    webhook: fn('webhook'), planner: fn('planner'), 'task-events': fn('task-events'), stepper: fn('stepper'),
    sweep: fn('sweep'), api: fn('api'), efs: fn('efs'),
  },
  executionRole: `${A}:iam::123456789012:role/hy-execution`,
  taskRoles: { job: `${A}:iam::123456789012:role/hy-job`, builder: `${A}:iam::123456789012:role/hy-builder` },
  schedulerRole: `${A}:iam::123456789012:role/hy-cron`,
  schedulerGroupName: 'hy-cron',
  deadLetterQueue: `${A}:sqs:${R}:hy-dead-letters`,
  wakeupQueue: `${A}:sqs:${R}:hy-wakeups`,
};
