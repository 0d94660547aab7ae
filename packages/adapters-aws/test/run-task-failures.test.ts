// RunTask's `failures[]` reasons, as ECS documents them, sorted into retryable and permanent;
// the launch turns the class into its rejection.
import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { RunTask } from '@hyperp/core';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { classifyRunTaskFailure, runTaskFailureClasses } from '../src/ecs/run-task-failures.js';
import type { InterpreterDeps } from '../src/interpret/deps.js';
import { interpreter } from '../src/interpret/interpreter.js';
import type { RunMeta } from '../src/run/meta.js';
import { testEnv } from './support/env.js';

const classify = suite('classifyRunTaskFailure');

// Reasons and details as ECS sends them (ECS Developer Guide, "API failure reasons"; re:Post
// "ecs-fargate-runtask-capacity"; ECS service quotas).
const cases: [string, string | undefined, 'retryable' | 'permanent' | 'unknown'][] = [
  ['RESOURCE:CPU', undefined, 'retryable'],
  ['RESOURCE:MEMORY', undefined, 'retryable'],
  ['RESOURCE:ENI', undefined, 'retryable'],
  ['RESOURCE:FARGATE', 'no capacity', 'retryable'],
  ['AGENT', undefined, 'retryable'],
  ['Capacity is unavailable at this time. Please try again later or in a different availability zone', undefined, 'retryable'],
  ["You've reached the limit on the number of tasks you can run concurrently", undefined, 'retryable'],
  ['Timeout waiting for network interface provisioning to complete.', undefined, 'retryable'],
  ['MISSING', 'task definition inactive', 'permanent'],
  ['ATTRIBUTE', 'ecs.capability.efsAuth', 'permanent'],
  ['LOCATION', undefined, 'permanent'],
  ['MemberOf placement constraint unsatisfied.', undefined, 'permanent'],
  ["The specified platform does not satisfy the task definition's required capabilities.", undefined, 'permanent'],
  ['SOMETHING NEW', 'never seen before', 'unknown'],
];

classify('every documented reason has its class; an unknown one says so', () => {
  assert.equal(cases.map(([reason, detail]) => classifyRunTaskFailure({ reason, detail }).class), cases.map(([, , c]) => c));
});

classify('the classification is data with a source for each entry', () => {
  const entries = runTaskFailureClasses();
  assert.ok(entries.length >= 10);
  for (const e of entries) assert.ok(e.source.length > 0 && e.why.length > 0, JSON.stringify(e));
});

classify.run();

const launch = suite('RunTask failures at launch');
const ecs = mockClient(ECSClient);
const config = loadConfig(testEnv);
const deps = (): InterpreterDeps => ({
  config,
  ecs: new ECSClient({ region: 'us-east-1' }),
  lambda: new LambdaClient({ region: 'us-east-1' }),
  images: { get: async () => new Map(), record: async () => undefined, plan: async () => undefined, plannedItem: async () => ({}), recordAction: () => ({}), newest: async () => undefined, planned: async () => undefined },
  github: () => {
    throw new Error('no GitHub in this test');
  },
  contexts: { ensure: async () => ({ _tag: 'Refused', reason: 'no build contexts in this test' }) },
  wakeups: async () => undefined,
  now: () => 1,
  log: () => undefined,
});
const meta: RunMeta = { runId: 'r1', repo: 'acme/calc', installationId: 77, branch: 'main', commit: 'c'.repeat(40), workflow: 'calculator', trigger: 'push' };
const task: RunTask = {
  _tag: 'RunTask', runId: 'r1', job: 'j', index: 1, attempt: 1, attemptKey: 'r1/j/1/1',
  clientToken: 'a'.repeat(64), startedBy: 'hyperp-' + 'b'.repeat(29), taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/fam:3',
  overrides: { containerOverrides: [] }, tags: [],
};

launch.before.each(() => {
  ecs.reset();
});

launch('the account\'s concurrent-task limit and a slow network interface are retried, not failed', async () => {
  for (const reason of ["You've reached the limit on the number of tasks you can run concurrently", 'Timeout waiting for network interface provisioning to complete.']) {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: 'x', reason }] });
    const [e] = await interpreter(deps())(task, meta);
    assert.equal(e, { _tag: 'TaskLaunchRejected', at: 1, startedBy: task.startedBy, reason, retryable: true });
  }
});

launch('a reason no table knows is not retried forever: it is reported as not retryable, with its text', async () => {
  ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: 'x', reason: 'SOMETHING NEW', detail: 'rate of capacity' }] });
  const [e] = await interpreter(deps())(task, meta);
  assert.equal(e, { _tag: 'TaskLaunchRejected', at: 1, startedBy: task.startedBy, reason: 'SOMETHING NEW: rate of capacity', retryable: false });
});

launch.run();
