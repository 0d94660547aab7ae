/**
 * One IAM role per function, per task kind, for ECS task execution, and for the two kinds of
 * schedules; each gets exactly its statements from `grants.ts` as an inline policy. Roles are
 * created first (functions and task definitions need their ARNs); their policies are attached
 * once every ARN they mention exists, and the resources that are checked against a role's
 * permissions when created (the stream mapping, a VPC function, a schedule) wait for them.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { FUNCTION_NAMES, ROLE_TAG_KEY, TASK_KINDS, roleTag, type FunctionName, type TaskKind } from '../names.js';
import { childOf, tagsWith, type Scope } from '../scope.js';
import {
  cliUserGrants,
  executionGrants,
  functionGrants,
  schedulerGrants,
  sweepScheduleGrants,
  taskGrants,
  type PlatformArns,
} from './grants.js';
import { policyDocument, trustPolicy, type ServicePrincipal, type Statement } from './statements.js';

export interface Roles<T = aws.iam.Role> {
  readonly functions: Readonly<Record<FunctionName, T>>;
  readonly tasks: Readonly<Record<TaskKind, T>>;
  readonly execution: T;
  readonly scheduler: T;
  readonly sweepSchedule: T;
}

const byName = <K extends string, T>(keys: readonly K[], make: (k: K) => T): Record<K, T> =>
  Object.fromEntries(keys.map((k) => [k, make(k)])) as Record<K, T>;

export const createRoles = (
  scope: Scope,
  accountId: pulumi.Input<string>,
  jobTaskPolicyArns: readonly pulumi.Input<string>[],
): Roles => {
  const role = (name: string, service: ServicePrincipal, tag: string, description: string, sourceAccountGuard?: boolean) =>
    new aws.iam.Role(
      `${scope.name}-${name}`,
      {
        description,
        assumeRolePolicy: pulumi.output(accountId).apply((id) => JSON.stringify(trustPolicy(service, id, sourceAccountGuard))),
        tags: tagsWith(scope, { [ROLE_TAG_KEY]: tag }),
      },
      childOf(scope),
    );
  const roles: Roles = {
    functions: byName(FUNCTION_NAMES, (fn) =>
      role(`fn-${fn}`, 'lambda.amazonaws.com', roleTag.function(fn), `hyperp ${fn} function`),
    ),
    tasks: byName(TASK_KINDS, (kind) =>
      role(`task-${kind}`, 'ecs-tasks.amazonaws.com', roleTag.task(kind), `hyperp ${kind} tasks`),
    ),
    execution: role('task-execution', 'ecs-tasks.amazonaws.com', roleTag.execution, 'hyperp: ECS starts tasks with this role', false),
    scheduler: role('cron', 'scheduler.amazonaws.com', roleTag.scheduler, 'hyperp: cron trigger schedules'),
    sweepSchedule: role('sweep-schedule', 'scheduler.amazonaws.com', roleTag.sweepSchedule, 'hyperp: the sweep schedule'),
  };
  // What user jobs may do in AWS is the user's choice, granted by their own managed policies.
  jobTaskPolicyArns.forEach(
    (policyArn, i) =>
      new aws.iam.RolePolicyAttachment(`${scope.name}-task-job-policy-${i}`, { role: roles.tasks.job.name, policyArn }, childOf(scope)),
  );
  return roles;
};

/** Every role's statements, from resolved ARNs: what `attachGrants` puts on the roles. */
export const grantsOf = (a: PlatformArns): Roles<Statement[]> => ({
  functions: byName(FUNCTION_NAMES, (fn) => functionGrants(fn, a)),
  tasks: byName(TASK_KINDS, (kind) => taskGrants(kind, a)),
  execution: executionGrants(a),
  scheduler: schedulerGrants(a),
  sweepSchedule: sweepScheduleGrants(a),
});

export const attachGrants = (scope: Scope, roles: Roles, arns: pulumi.Output<PlatformArns>): Roles<aws.iam.RolePolicy> => {
  const grants = arns.apply(grantsOf);
  const attach = (name: string, role: aws.iam.Role, statements: pulumi.Output<Statement[]>) =>
    new aws.iam.RolePolicy(
      `${scope.name}-${name}`,
      { role: role.name, policy: statements.apply((s) => JSON.stringify(policyDocument(s))) },
      childOf(scope),
    );
  return {
    functions: byName(FUNCTION_NAMES, (fn) => attach(`fn-${fn}`, roles.functions[fn], grants.apply((g) => g.functions[fn]))),
    tasks: byName(TASK_KINDS, (kind) => attach(`task-${kind}`, roles.tasks[kind], grants.apply((g) => g.tasks[kind]))),
    execution: attach('task-execution', roles.execution, grants.apply((g) => g.execution)),
    scheduler: attach('cron', roles.scheduler, grants.apply((g) => g.scheduler)),
    sweepSchedule: attach('sweep-schedule', roles.sweepSchedule, grants.apply((g) => g.sweepSchedule)),
  };
};

/** A managed policy to attach to the people (or CI roles) who use the `hyperp` CLI against this deployment. */
export const createCliUserPolicy = (scope: Scope, arns: pulumi.Output<PlatformArns>): aws.iam.Policy =>
  new aws.iam.Policy(
    `${scope.name}-cli-user`,
    {
      description: 'hyperp: call the API function URL (attach to CLI users)',
      policy: arns.apply((a) => JSON.stringify(policyDocument(cliUserGrants(a)))),
      tags: tagsWith(scope),
    },
    childOf(scope),
  );
