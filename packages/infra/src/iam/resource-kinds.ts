/**
 * The kinds of resource the adapters' permissions manifest names (`on`), as ARNs and conditions
 * of this deployment. A kind missing here fails the program (and its tests) with its name,
 * rather than granting something broader.
 */
import type { PermissionsManifest } from '../contract.js';
import { taskFamilyPattern } from '../names.js';
import { repositorySecrets, type PlatformArns } from './grants.js';
import type { Statement } from './statements.js';

export interface Scoped {
  readonly resources: readonly string[];
  readonly condition?: Statement['Condition'];
}

export const logsOf = (logGroupArn: string): string[] => [logGroupArn, `${logGroupArn}:*`];

export const clusterTasks = (a: PlatformArns): string =>
  `arn:${a.partition}:ecs:${a.region}:${a.accountId}:task/${a.clusterName}/*`;

/** This deployment's task definitions only: `{prefix}_*` (core's `taskDefinitionFamily`, `builderFamily`). */
export const hyperpTaskDefinitions = (a: PlatformArns): string =>
  `arn:${a.partition}:ecs:${a.region}:${a.accountId}:task-definition/${taskFamilyPattern(a.namePrefix)}`;

const onCluster = (a: PlatformArns) => ({ ArnEquals: { 'ecs:cluster': a.cluster } });

const schedulesIn = (a: PlatformArns, group: string): string =>
  `arn:${a.partition}:scheduler:${a.region}:${a.accountId}:schedule/${group}/*`;

const passedTo = (service: string) => ({ StringEquals: { 'iam:PassedToService': service } });

/** Every access point of the account in the region; tags narrow each grant to this deployment's. */
const accessPoints = (a: PlatformArns): string => `arn:${a.partition}:elasticfilesystem:${a.region}:${a.accountId}:access-point/*`;

type KindScope = (a: PlatformArns, m: PermissionsManifest) => Scoped;

export const RESOURCE_KINDS: Readonly<Record<string, KindScope>> = {
  table: (a) => ({ resources: [a.table, `${a.table}/index/*`] }),
  stateObjects: (a, m) => ({ resources: [`${a.bucket}/${m.s3Prefixes.stateObjects}*`] }),
  downloads: (a, m) => ({ resources: [`${a.bucket}/${m.s3Prefixes.downloads}*`] }),
  buildContexts: (a, m) => ({ resources: [`${a.bucket}/${m.s3Prefixes.buildContexts}*`] }),
  // The bucket itself: s3:ListBucket, so HeadObject on a context not packed yet answers 404, not
  // 403 (S3 API Reference "HeadObject", read 2026-12). It lists key names, never contents.
  artifactsBucket: (a) => ({ resources: [a.bucket] }),
  webhookSecret: (a) => ({ resources: [a.webhookSecret] }),
  githubAppKey: (a) => ({ resources: [a.githubPrivateKeySecret] }),
  // Repositories' secrets, `{prefix}/{owner}/{repo}/{name}` (grants.ts `repositorySecrets`).
  repositorySecrets: (a) => ({ resources: [repositorySecrets(a)] }),
  // ListSecrets has no resource type: it can only be granted on "*" (Service Authorization
  // Reference, AWS Secrets Manager, read 2026-12); it answers names and dates, never values.
  anySecret: () => ({ resources: ['*'] }),
  plannerFunction: (a) => ({ resources: [a.functions.planner] }),
  stepperFunction: (a) => ({ resources: [a.functions.stepper] }),
  efsFunction: (a) => ({ resources: [a.functions.efs] }),
  imageRepository: (a) => ({ resources: [a.repository] }),
  taskLogGroup: (a) => ({ resources: logsOf(a.taskLogGroup) }),
  // RegisterTaskDefinition, DeregisterTaskDefinition and DescribeTaskDefinition take no
  // resource ARN: the Service Authorization Reference (Amazon ECS, read 2026-12) lists no
  // resource type for them, and resource-level permissions for task definitions are still an
  // open request (aws/containers-roadmap#929, read 2026-12). A statement naming task-definition
  // ARNs would never match them. What does take a task definition (RunTask, TagResource on
  // create, DeleteTaskDefinitions) is scoped to this deployment's families below.
  anyTaskDefinition: () => ({ resources: ['*'] }),
  hyperpTaskDefinitions: (a) => ({ resources: [hyperpTaskDefinitions(a)] }),
  hyperpTaskDefinitionsOnCluster: (a) => ({ resources: [hyperpTaskDefinitions(a)], condition: onCluster(a) }),
  clusterTasks: (a) => ({ resources: [clusterTasks(a)], condition: onCluster(a) }),
  // ListTasks names no task; the `ecs:cluster` condition keeps it to hyperp's cluster.
  cluster: (a) => ({ resources: ['*'], condition: onCluster(a) }),
  // Tagging a task or task definition as it is created needs TagResource on the new resource.
  newTasksAndTaskDefinitions: (a) => ({
    resources: [clusterTasks(a), hyperpTaskDefinitions(a)],
    condition: { StringEquals: { 'ecs:CreateAction': ['RunTask', 'RegisterTaskDefinition'] } },
  }),
  taskRoles: (a) => ({ resources: [a.executionRole, a.taskRoles.job, a.taskRoles.builder], condition: passedTo('ecs-tasks.amazonaws.com') }),
  cronSchedules: (a) => ({ resources: [schedulesIn(a, a.schedulerGroupName)] }),
  // ListSchedules has no resource type: it can only be granted on "*" (Service Authorization
  // Reference, EventBridge Scheduler, read 2026-11).
  anySchedule: () => ({ resources: ['*'] }),
  wakeupQueue: (a) => ({ resources: [a.wakeupQueue] }),
  cronScheduleRole: (a) => ({ resources: [a.schedulerRole], condition: passedTo('scheduler.amazonaws.com') }),
  // A run's access points (adapters-aws src/efs/access-points.ts): created on the artifacts file
  // system with this deployment's tag, tagged only as they are created, deleted only when they
  // carry this deployment's tag (Service Authorization Reference, Amazon EFS, read 2026-12).
  newRunAccessPoints: (a) => ({ resources: [a.fileSystem], condition: { StringEquals: { 'aws:RequestTag/hyperp:deployment': a.namePrefix } } }),
  tagNewAccessPoints: (a) => ({ resources: [accessPoints(a)], condition: { StringEquals: { 'elasticfilesystem:CreateAction': 'CreateAccessPoint' } } }),
  artifactsAccessPoints: (a) => ({ resources: [a.fileSystem, accessPoints(a)] }),
  deploymentAccessPoints: (a) => ({ resources: [accessPoints(a)], condition: { StringEquals: { 'aws:ResourceTag/hyperp:deployment': a.namePrefix } } }),
};

export const scopeOf = (kind: string, a: PlatformArns, m: PermissionsManifest): Scoped => {
  const scope = RESOURCE_KINDS[kind];
  if (!scope) throw new Error(`the adapters' permissions name a resource kind "${kind}" that the platform does not know; add it to iam/resource-kinds.ts`);
  return scope(a, m);
};
