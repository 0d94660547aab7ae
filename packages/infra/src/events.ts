/**
 * What drives the handlers besides HTTP: ECS task state changes (EventBridge), the sweep
 * (every minute), the workflows' cron triggers (EventBridge Scheduler, in hyperp's group), the
 * table's stream of new event items and the delayed wake-ups (both to the stepper). Whatever cannot be delivered after the
 * retries ends in one dead-letter queue, so a lost input is visible rather than silent.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { childOf, tagsWith, type Scope } from './scope.js';

/** SQS keeps messages at most 14 days (SQS quotas, read 2026-11). */
const FOURTEEN_DAYS = 14 * 24 * 3600;

export const createDeadLetterQueue = (scope: Scope): aws.sqs.Queue =>
  new aws.sqs.Queue(
    `${scope.name}-dead-letters`,
    { sqsManagedSseEnabled: true, messageRetentionSeconds: FOURTEEN_DAYS, tags: tagsWith(scope) },
    childOf(scope),
  );

/**
 * Delayed wake-ups of runs (deadlines, retry back-offs, launch slots further than the stepper
 * waits in-process): the stepper sends a message delayed until the moment and receives it back
 * (`packages/adapters-aws/src/aws/wakeup-queue.ts`). A message Lambda cannot take the stepper
 * fails five times goes to the dead-letter queue; the sweep's minute tick covers it meanwhile.
 * Lambda requires the visibility timeout to be at least the function's timeout (Lambda with
 * SQS, read 2026-11).
 */
export const createWakeupQueue = (scope: Scope, stepperTimeoutSeconds: number, deadLetterQueue: aws.sqs.Queue): aws.sqs.Queue =>
  new aws.sqs.Queue(
    `${scope.name}-wakeups`,
    {
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: stepperTimeoutSeconds,
      redrivePolicy: deadLetterQueue.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 })),
      tags: tagsWith(scope),
    },
    childOf(scope),
  );

/** The group the planner keeps one schedule per `cron` trigger in. */
export const createSchedulerGroup = (scope: Scope): aws.scheduler.ScheduleGroup =>
  new aws.scheduler.ScheduleGroup(`${scope.name}-cron`, { tags: tagsWith(scope) }, childOf(scope));

/** ECS task state changes of this cluster only: other clusters' tasks are not hyperp's. */
export const taskStateChangePattern = (clusterArn: string) => ({
  source: ['aws.ecs'],
  'detail-type': ['ECS Task State Change'],
  detail: { clusterArn: [clusterArn] },
});

/**
 * The stepper runs for new event items only (sort key `EV#…`, the adapters' `eventSk`): state,
 * listing and image writes would wake it for nothing. Stream records carry keys in DynamoDB
 * JSON; filter syntax from the Lambda event filtering guide (read 2026-11).
 */
export const eventItemFilter = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { sk: { S: [{ prefix: 'EV#' }] } } },
};

/** The queue policy that lets exactly this rule dead-letter into the queue. */
export const deadLetterQueuePolicy = (queueArn: string, ruleArn: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'EventBridgeDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    },
  ],
});

export interface EventWiring {
  readonly clusterArn: pulumi.Input<string>;
  readonly tableStreamArn: pulumi.Input<string>;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly taskEvents: aws.lambda.Function;
  readonly sweep: aws.lambda.Function;
  readonly stepper: aws.lambda.Function;
  readonly planner: aws.lambda.Function;
  readonly efs: aws.lambda.Function;
  readonly sweepScheduleRoleArn: pulumi.Input<string>;
  /** The sweep schedule role's grants: the schedule is checked against them when created. */
  readonly sweepScheduleGrants: pulumi.Resource;
  /** The stepper's grants: the stream mapping needs its stream read permission at creation. */
  readonly stepperGrants: pulumi.Resource;
  readonly wakeupQueue: aws.sqs.Queue;
}

export const wireEvents = (scope: Scope, w: EventWiring): void => {
  // ECS task state changes → task-events.
  const rule = new aws.cloudwatch.EventRule(
    `${scope.name}-task-state`,
    {
      description: 'hyperp: ECS task state changes of its cluster',
      eventPattern: pulumi.output(w.clusterArn).apply((arn) => JSON.stringify(taskStateChangePattern(arn))),
      tags: tagsWith(scope),
    },
    childOf(scope),
  );
  new aws.cloudwatch.EventTarget(
    `${scope.name}-task-state`,
    {
      rule: rule.name,
      arn: w.taskEvents.arn,
      // EventBridge's maximums: keep trying for a day (EventBridge retry policy, read 2026-11).
      retryPolicy: { maximumEventAgeInSeconds: 24 * 3600, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: w.deadLetterQueue.arn },
    },
    childOf(scope),
  );
  new aws.lambda.Permission(
    `${scope.name}-task-state`,
    { function: w.taskEvents.name, action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', sourceArn: rule.arn },
    childOf(scope),
  );
  new aws.sqs.QueuePolicy(
    `${scope.name}-dead-letters`,
    {
      queueUrl: w.deadLetterQueue.url,
      policy: pulumi.all([w.deadLetterQueue.arn, rule.arn]).apply(([q, r]) => JSON.stringify(deadLetterQueuePolicy(q, r))),
    },
    childOf(scope),
  );

  // Asynchronous invocations that still fail after Lambda's two retries are kept, not dropped:
  // plans, task events, the stepper's continuations and re-steps, the efs function's zips.
  for (const [name, fn] of [
    ['planner', w.planner],
    ['task-events', w.taskEvents],
    ['stepper', w.stepper],
    ['efs', w.efs],
  ] as const) {
    new aws.lambda.FunctionEventInvokeConfig(
      `${scope.name}-${name}-async`,
      {
        functionName: fn.name,
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 6 * 3600,
        destinationConfig: { onFailure: { destination: w.deadLetterQueue.arn } },
      },
      childOf(scope),
    );
  }

  // The sweep, every minute. A missed minute is made up by the next, so no retries.
  new aws.scheduler.Schedule(
    `${scope.name}-sweep`,
    {
      description: 'hyperp: tick active runs and reconcile lost task events',
      scheduleExpression: 'rate(1 minute)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: w.sweep.arn,
        roleArn: w.sweepScheduleRoleArn,
        input: JSON.stringify({ kind: 'sweep' }),
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
        deadLetterConfig: { arn: w.deadLetterQueue.arn },
      },
    },
    childOf(scope, { dependsOn: [w.sweepScheduleGrants] }),
  );

  // New event items → the stepper, one ordered stream of records per run (partition key).
  new aws.lambda.EventSourceMapping(
    `${scope.name}-stepper-stream`,
    {
      eventSourceArn: w.tableStreamArn,
      functionName: w.stepper.name,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      // Records of one partition key stay in order across the parallel batches of a shard
      // (Lambda with DynamoDB, "Parallelization factor", read 2026-11), so runs step concurrently.
      parallelizationFactor: 10,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destinationArn: w.deadLetterQueue.arn } },
      filterCriteria: { filters: [{ pattern: JSON.stringify(eventItemFilter) }] },
    },
    childOf(scope, { dependsOn: [w.stepperGrants] }),
  );

  // Delayed wake-ups → the stepper, which appends them as ticks for the stream.
  new aws.lambda.EventSourceMapping(
    `${scope.name}-stepper-wakeups`,
    {
      eventSourceArn: w.wakeupQueue.arn,
      functionName: w.stepper.name,
      batchSize: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
    },
    childOf(scope, { dependsOn: [w.stepperGrants] }),
  );
};
