/**
 * RunTask for job attempts and image builds. Every launch carries the attempt's `clientToken`
 * (a repeated command starts no second task: ECS returns the first one for 8 hours, ECS API
 * reference "RunTask", read 2026-11), its `startedBy` (echoed on every task event) and the group
 * `hyperp:{runId}` (also echoed, so the task-event handler finds the run without a lookup).
 */
import {
  DescribeTaskDefinitionCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand,
  type Failure, type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { type BuildImage, type RunEvent, type RunTask, type StopTask, type Tag } from '@hyperp/core';
import { builderFamily } from '@hyperp/core/internal';
import { posix } from 'node:path';
import { classifyRunTaskFailure } from '../ecs/run-task-failures.js';
import type { RunMeta } from '../run/meta.js';
import type { InterpreterDeps } from './deps.js';

/** `group` of every task of a run: ECS echoes it on task events. At most 255 characters. */
export const runGroup = (runId: string): string => `hyperp:${runId}`;
export const runIdOfGroup = (group: string | undefined): string | undefined =>
  group?.startsWith('hyperp:') ? group.slice('hyperp:'.length) : undefined;

export const BUILDER_CONTAINER = 'kaniko';
/** Largest builder size; each build overrides cpu and memory down to what its job asks. */
const BUILDER_MAX = { cpu: '4096', memory: '16384' };
/**
 * The builder's disk. kaniko unpacks the base image into the task's own filesystem and keeps a
 * tarball of every layer it snapshots until the push, so a build needs about twice its image
 * plus the build's own files: Fargate's default 20 GiB fails multi-GB images (CUDA, ML runtimes)
 * with "no space left on device". Fargate allows 21-200 GiB and bills only what is above 20 GiB,
 * $0.000111 per GB-hour in us-east-1 — under a cent per build-hour for 100 GiB (ECS Developer
 * Guide, "Fargate task ephemeral storage"; AWS Fargate pricing, read 2026-12).
 */
export const BUILDER_EPHEMERAL_GIB = 100;

const networkConfiguration = (d: InterpreterDeps): RunTaskCommandInput['networkConfiguration'] => ({
  awsvpcConfiguration: {
    subnets: [...d.config.subnetIds],
    securityGroups: [...d.config.securityGroupIds],
    assignPublicIp: d.config.assignPublicIp,
  },
});

const ecsTags = (tags: readonly Tag[]) => tags.map((t) => ({ key: t.key, value: t.value }));

/**
 * Capacity, quota and agent failures clear up by themselves: the launch is retried, not failed
 * (`ecs/run-task-failures.ts`, ECS's documented reasons). An unknown reason is not retried.
 */
const retryableFailure = (f: Failure): boolean => classifyRunTaskFailure(f).class === 'retryable';

/**
 * The task a clientToken already started. ECS answers a RunTask whose token is in use with a
 * different request with ConflictException, naming the token's tasks in `resourceIds` ("The
 * provided clientToken is already in use with a different RunTask request. The resourceIds are
 * the existing task ARNs", ECS API Reference "ConflictException", read 2026-12); failing that,
 * the task is looked up by its `startedBy`, which only that token's launch carries. Either way
 * the attempt has its one task; none found leaves the conflict unresolved (permanent).
 */
const taskOfToken = async (d: InterpreterDeps, startedBy: string, e: unknown): Promise<string | undefined> => {
  const ids = (e as { resourceIds?: unknown }).resourceIds;
  if (Array.isArray(ids) && typeof ids[0] === 'string') return ids[0];
  // ListTasks with startedBy takes no other filter (ECS API Reference "ListTasks": "When you
  // specify startedBy as the filter, it must be the only filter that you use", read 2026-12).
  const listed = await d.ecs.send(new ListTasksCommand({ cluster: d.config.clusterArn, startedBy }));
  return listed.taskArns?.[0];
};

/**
 * One RunTask. ECS's own refusals (`failures[]`) become `TaskLaunchRejected`, classed by
 * `ecs/run-task-failures.ts`; an exception is left to the interpreter, which classes it
 * (`aws/failure-class.ts`) into a `CommandFailed` — except a clientToken conflict, which is
 * resolved by finding the token's task.
 */
const launch = async (
  d: InterpreterDeps,
  startedBy: string,
  input: RunTaskCommandInput,
): Promise<RunEvent[]> => {
  let r;
  try {
    r = await d.ecs.send(new RunTaskCommand(input));
  } catch (e) {
    if ((e as { name?: unknown }).name !== 'ConflictException') throw e;
    const taskArn = await taskOfToken(d, startedBy, e);
    if (taskArn === undefined) throw e;
    d.log('RunTask: the clientToken had started a task already; it is this attempt\'s', { startedBy, taskArn });
    return [{ _tag: 'TaskLaunchAccepted', at: d.now(), startedBy, taskArn }];
  }
  const taskArn = r.tasks?.[0]?.taskArn;
  if (taskArn) return [{ _tag: 'TaskLaunchAccepted', at: d.now(), startedBy, taskArn }];
  const f = r.failures?.[0];
  const reason = f ? `${f.reason ?? 'RunTask failure'}${f.detail ? `: ${f.detail}` : ''}` : 'RunTask returned no task and no failure';
  return [{ _tag: 'TaskLaunchRejected', at: d.now(), startedBy, reason, retryable: f ? retryableFailure(f) : true }];
};

/** What every hyperp launch carries: one Fargate task, idempotent by `clientToken`, named by `startedBy`, grouped by run. */
const launchBase = (d: InterpreterDeps, c: Pick<RunTask, 'clientToken' | 'startedBy' | 'runId'>) => ({
  cluster: d.config.clusterArn,
  launchType: 'FARGATE' as const,
  count: 1,
  clientToken: c.clientToken,
  startedBy: c.startedBy,
  group: runGroup(c.runId),
  networkConfiguration: networkConfiguration(d),
});

export const runTask = (d: InterpreterDeps, c: RunTask): Promise<RunEvent[]> =>
  launch(d, c.startedBy, {
    ...launchBase(d, c),
    taskDefinition: c.taskDefinitionArn,
    overrides: {
      containerOverrides: c.overrides.containerOverrides.map((o) => ({
        name: o.name,
        environment: o.environment.map((e) => ({ name: e.name, value: e.value })),
      })),
    },
    tags: ecsTags(c.tags),
    enableECSManagedTags: true,
  });

let builderArn: { image: string; arn: Promise<string> } | undefined;

/** kaniko's AWS SDK finds the context's bucket in this region (`kanikoArgs`). */
const builderEnvironment = (d: InterpreterDeps) => [{ name: 'AWS_REGION', value: d.config.region ?? 'us-east-1' }];

/**
 * The builder's task definition: registered once per image (DescribeTaskDefinition first, so a
 * cold start does not add a revision when nothing changed).
 */
export const builderTaskDefinition = (d: InterpreterDeps): Promise<string> => {
  if (builderArn?.image === d.config.builderImage) return builderArn.arn;
  // The deployment's own family: two deployments in one account never re-register each other's builder.
  const family = builderFamily(d.config.familyPrefix);
  const arn = (async () => {
    try {
      const current = await d.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
      const td = current.taskDefinition;
      if (
        td?.taskDefinitionArn &&
        td.containerDefinitions?.[0]?.image === d.config.builderImage &&
        td.ephemeralStorage?.sizeInGiB === BUILDER_EPHEMERAL_GIB &&
        JSON.stringify(td.containerDefinitions[0].environment ?? []) === JSON.stringify(builderEnvironment(d)) &&
        td.taskRoleArn === d.config.builderTaskRoleArn &&
        td.executionRoleArn === d.config.taskExecutionRoleArn
      ) {
        return td.taskDefinitionArn;
      }
    } catch (e) {
      if (!(e instanceof Error && e.name === 'ClientException')) throw e;
    }
    const r = await d.ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: BUILDER_MAX.cpu,
          memory: BUILDER_MAX.memory,
          ephemeralStorage: { sizeInGiB: BUILDER_EPHEMERAL_GIB },
          taskRoleArn: d.config.builderTaskRoleArn,
          executionRoleArn: d.config.taskExecutionRoleArn,
          containerDefinitions: [
            {
              name: BUILDER_CONTAINER,
              image: d.config.builderImage,
              essential: true,
              environment: builderEnvironment(d),
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': d.config.taskLogGroup,
                  'awslogs-region': d.config.region ?? 'us-east-1',
                  'awslogs-stream-prefix': 'hyperp-builds',
                },
              },
            },
          ],
        }),
      );
    const registered = r.taskDefinition?.taskDefinitionArn;
    if (!registered) throw new Error('RegisterTaskDefinition for the builder returned no ARN');
    return registered;
  })();
  builderArn = { image: d.config.builderImage, arn };
  arn.catch(() => {
    if (builderArn?.arn === arn) builderArn = undefined;
  });
  return arn;
};

/**
 * The kaniko arguments: the context hyperp packed into S3 (`contexts/upload.ts`), the Dockerfile
 * relative to it, the image key as an immutable tag. kaniko reads `s3://bucket/key` contexts (a
 * tar.gz) with the AWS SDK's default configuration: the region from `AWS_REGION` (set on the
 * builder's container) and credentials from the task role (kaniko README "kaniko Build Contexts",
 * and pkg/buildcontext/s3.go: `config.LoadDefaultConfig`; read 2026-12). The arguments are the same
 * for every launch of a build, so a launch sent again is the same request under its clientToken.
 */
export const kanikoArgs = (c: BuildImage, contextUri: string): string[] => [
  `--context=${contextUri}`,
  `--dockerfile=${c.context === '' ? c.dockerfilePath : posix.relative(c.context, c.dockerfilePath)}`,
  `--destination=${c.imageUri}`,
  // The tag is a content hash: an image already pushed under it is the same image.
  '--push-ignore-immutable-tag-errors',
];

export const buildImage = async (d: InterpreterDeps, c: BuildImage, meta: RunMeta): Promise<RunEvent[]> => {
  const context = await d.contexts.ensure(c, meta);
  if (context._tag === 'Refused') {
    // Nothing AWS or GitHub can change: the build fails with the reason, and its jobs with it.
    return [{ _tag: 'CommandFailed', at: d.now(), command: c, failure: 'permanent', reason: context.reason }];
  }
  const taskDefinition = await builderTaskDefinition(d);
  return launch(d, c.startedBy, {
    ...launchBase(d, c),
    taskDefinition,
    overrides: {
      cpu: String(c.cpu),
      memory: String(c.memory),
      containerOverrides: [{ name: BUILDER_CONTAINER, command: kanikoArgs(c, context.uri) }],
    },
    tags: ecsTags(c.tags),
    enableECSManagedTags: true,
  });
};

/** Stops a task; an unknown or already stopped task is not an error (the stop may be a repeat). */
export const stopTask = async (d: InterpreterDeps, c: StopTask): Promise<RunEvent[]> => {
  const reason = c.reason.length > 255 ? `${c.reason.slice(0, 254)}…` : c.reason;
  let arns: string[];
  if (c.taskArn) {
    arns = [c.taskArn];
  } else {
    const listed = await d.ecs.send(new ListTasksCommand({ cluster: d.config.clusterArn, startedBy: c.startedBy }));
    arns = listed.taskArns ?? [];
  }
  for (const task of arns) {
    try {
      await d.ecs.send(new StopTaskCommand({ cluster: d.config.clusterArn, task, reason }));
    } catch (e) {
      if (!(e instanceof Error && (e.name === 'InvalidParameterException' || e.name === 'ClientException'))) throw e;
      d.log('StopTask refused; the task is gone or stopped already', { task, error: e.message });
    }
  }
  return [];
};
