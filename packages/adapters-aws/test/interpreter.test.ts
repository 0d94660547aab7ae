import {
  DeleteTaskDefinitionsCommand, DeregisterTaskDefinitionCommand, DescribeTaskDefinitionCommand, ECSClient,
  ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { BuildImage, RegisterTaskDefinition, RunTask } from '@hyperp/core';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { withThrottlingRetry } from '../src/aws/retry.js';
import type { InterpreterDeps } from '../src/interpret/deps.js';
import { interpreter } from '../src/interpret/interpreter.js';
import { normaliseTask } from '../src/ecs/task-event.js';
import type { RunMeta } from '../src/run/meta.js';
import { testEnv } from './support/env.js';

const ecs = mockClient(ECSClient);
const lambda = mockClient(LambdaClient);
const config = loadConfig(testEnv);
const NOW = 1_800_000_000_000;
const sleeps: number[] = [];
const woken: [string, number][] = [];
const contextsAsked: string[] = [];
let contextRefusal: string | null = null;
const deps = (): InterpreterDeps => ({
  config,
  ecs: new ECSClient({ region: 'us-east-1' }),
  lambda: new LambdaClient({ region: 'us-east-1' }),
  images: { get: async () => new Map(), record: async () => undefined, plan: async () => undefined, plannedItem: async () => ({}), recordAction: () => ({}), newest: async () => undefined, planned: async () => undefined },
  github: () => {
    throw new Error('no GitHub in this test');
  },
  contexts: {
    ensure: async (c) => {
      contextsAsked.push(c.key);
      return contextRefusal !== null
        ? { _tag: 'Refused', reason: contextRefusal }
        : { _tag: 'Ready', uri: `s3://${config.artifactsBucket}/hyperp-contexts/${c.key}.tar.gz`, uploaded: contextsAsked.length === 1 };
    },
  },
  wakeups: async (runId, at) => void woken.push([runId, at]),
  now: () => NOW,
  log: () => undefined,
});
const meta: RunMeta = { runId: 'r1', repo: 'acme/calc', installationId: 77, branch: 'main', commit: 'c'.repeat(40), workflow: 'calculator', trigger: 'push' };
const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

const runTask: RunTask = {
  _tag: 'RunTask', runId: 'r1', job: 'x * y', index: 2, attempt: 1, attemptKey: 'r1/x%20*%20y/2/1',
  clientToken: 'a'.repeat(64), startedBy: 'hyperp-' + 'b'.repeat(29), taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/fam:3',
  overrides: { containerOverrides: [{ name: 'multiply', environment: [{ name: 'TASK_INDEX', value: '2' }, { name: 'TASK_TOTAL_SIZE', value: '2' }] }] },
  tags: [{ key: 'hyperp:run', value: 'r1' }],
};

const expectedRunTaskInput = {
  cluster: config.clusterArn,
  taskDefinition: runTask.taskDefinitionArn,
  launchType: 'FARGATE',
  count: 1,
  clientToken: runTask.clientToken,
  startedBy: runTask.startedBy,
  group: 'hyperp:r1',
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-aaa', 'subnet-bbb'], securityGroups: ['sg-123'], assignPublicIp: 'ENABLED' } },
  overrides: runTask.overrides,
  tags: [{ key: 'hyperp:run', value: 'r1' }],
  enableECSManagedTags: true,
};

const t = suite('interpreter');
t.before.each(() => {
  ecs.reset();
  lambda.reset();
  sleeps.length = 0;
});

t('RunTask carries the clientToken, startedBy, group, tags and network configuration', async () => {
  ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task/1' }], failures: [] });
  assert.equal(await interpreter(deps())(runTask, meta), [{ _tag: 'TaskLaunchAccepted', at: NOW, startedBy: runTask.startedBy, taskArn: 'arn:task/1' }]);
  assert.equal(ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input), [expectedRunTaskInput]);
});

t('RunTask failures[] become rejections, retryable for capacity and not for the rest', async () => {
  ecs.on(RunTaskCommand).resolvesOnce({ tasks: [], failures: [{ arn: 'x', reason: 'RESOURCE:FARGATE', detail: 'no capacity' }] })
    .resolvesOnce({ tasks: [], failures: [{ reason: 'MISSING', detail: 'task definition inactive' }] });
  const run = interpreter(deps());
  assert.equal(await run(runTask, meta), [{ _tag: 'TaskLaunchRejected', at: NOW, startedBy: runTask.startedBy, reason: 'RESOURCE:FARGATE: no capacity', retryable: true }]);
  assert.equal(await run(runTask, meta), [{ _tag: 'TaskLaunchRejected', at: NOW, startedBy: runTask.startedBy, reason: 'MISSING: task definition inactive', retryable: false }]);
});

t('a throttled RunTask ends at once in a retryable CommandFailed: nothing sleeps in the function', async () => {
  ecs.on(RunTaskCommand).rejects(throttle());
  assert.equal(await interpreter(deps())(runTask, meta), [
    { _tag: 'CommandFailed', at: NOW, command: runTask, failure: 'retryable', reason: 'ThrottlingException: Rate exceeded' },
  ]);
  assert.is(ecs.commandCalls(RunTaskCommand).length, 1);
  // The sweep's own calls still retry throttling in-call, with jittered exponential back-off.
  ecs.reset();
  ecs.on(RunTaskCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves({ tasks: [{ taskArn: 'arn:task/2' }] });
  const policy = { attempts: 4, baseMs: 100, maxMs: 1000, sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };
  await withThrottlingRetry(policy, () => new ECSClient({ region: 'us-east-1' }).send(new RunTaskCommand(expectedRunTaskInput as never)));
  assert.equal(sleeps, [50, 100]);
  // Errors that are not throttling are not retried.
  let calls = 0;
  await withThrottlingRetry(policy, async () => {
    calls++;
    throw new Error('boom');
  }).catch(() => undefined);
  assert.is(calls, 1);
});

t('a clientToken already used by another request: the token\'s task is this attempt\'s (resourceIds, else ListTasks by startedBy only)', async () => {
  const conflict = (resourceIds?: string[]) => Object.assign(
    new Error('The provided clientToken is already in use with a different RunTask request.'),
    { name: 'ConflictException', $fault: 'client', $metadata: { httpStatusCode: 400 }, ...(resourceIds ? { resourceIds } : {}) },
  );
  ecs.on(RunTaskCommand).rejectsOnce(conflict(['arn:task/first'])).rejectsOnce(conflict()).rejectsOnce(conflict());
  ecs.on(ListTasksCommand).resolvesOnce({ taskArns: ['arn:task/listed'] }).resolvesOnce({ taskArns: [] });
  const run = interpreter(deps());
  assert.equal(await run(runTask, meta), [{ _tag: 'TaskLaunchAccepted', at: NOW, startedBy: runTask.startedBy, taskArn: 'arn:task/first' }]);
  assert.equal(await run(runTask, meta), [{ _tag: 'TaskLaunchAccepted', at: NOW, startedBy: runTask.startedBy, taskArn: 'arn:task/listed' }]);
  assert.equal(ecs.commandCalls(ListTasksCommand)[0]!.args[0].input, { cluster: config.clusterArn, startedBy: runTask.startedBy });
  // No task carries the token any more: the conflict cannot be resolved.
  assert.equal(await run(runTask, meta), [{
    _tag: 'CommandFailed', at: NOW, command: runTask, failure: 'permanent',
    reason: 'ConflictException: The provided clientToken is already in use with a different RunTask request.',
  }]);
});

const build: BuildImage = {
  _tag: 'BuildImage', runId: 'r1', key: 'k'.repeat(64), job: 'x * y', container: 'multiply', commit: 'c'.repeat(40),
  dockerfilePath: 'multiply/Dockerfile', context: 'multiply', imageUri: `${config.ecrRepositoryUri}:${'k'.repeat(64)}`,
  cpu: 1024, memory: 2048, attemptKey: 'r1/build:kkk/1', clientToken: 'd'.repeat(64), startedBy: 'hyperp-' + 'e'.repeat(29), tags: [],
};

t('an image build packs its context into S3 and runs kaniko on it with an immutable tag; the request holds no credential and no environment file', async () => {
  contextsAsked.length = 0;
  ecs.on(DescribeTaskDefinitionCommand).rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }));
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: 'arn:td/hyperp-builder:1' } });
  ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task/b1' }] });
  const run = interpreter(deps());
  assert.equal(await run(build, meta), [{ _tag: 'TaskLaunchAccepted', at: NOW, startedBy: build.startedBy, taskArn: 'arn:task/b1' }]);
  // Sent again after a crash: the context is there already, and the request is the same.
  await run(build, meta);
  await run({ ...build, startedBy: 'hyperp-other' }, meta);
  assert.equal(contextsAsked, [build.key, build.key, build.key]);
  assert.is(ecs.commandCalls(RegisterTaskDefinitionCommand).length, 1);
  const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
  assert.equal(registered.containerDefinitions?.[0]?.image, 'martizih/kaniko:v1.26.0');
  // kaniko's AWS SDK finds the context's bucket in the deployment's region; nothing secret is set.
  assert.equal(registered.containerDefinitions?.[0]?.environment, [{ name: 'AWS_REGION', value: config.region ?? 'us-east-1' }]);
  assert.is(registered.containerDefinitions?.[0]?.secrets, undefined);
  assert.is(registered.containerDefinitions?.[0]?.environmentFiles, undefined);
  // The deployment's own builder family: another deployment in the account never re-registers it.
  assert.is(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]!.args[0].input.taskDefinition, 'hyperp_builder');
  assert.is(registered.family, 'hyperp_builder');
  // Builds unpack base images and snapshot layers on the task's disk: more than Fargate's default 20 GiB.
  assert.equal(registered.ephemeralStorage, { sizeInGiB: 100 });
  const expected = {
    cluster: config.clusterArn,
    taskDefinition: 'arn:td/hyperp-builder:1',
    launchType: 'FARGATE',
    count: 1,
    clientToken: build.clientToken,
    startedBy: build.startedBy,
    group: 'hyperp:r1',
    networkConfiguration: expectedRunTaskInput.networkConfiguration,
    overrides: {
      cpu: '1024',
      memory: '2048',
      containerOverrides: [{
        name: 'kaniko',
        command: [
          `--context=s3://${config.artifactsBucket}/hyperp-contexts/${'k'.repeat(64)}.tar.gz`,
          '--dockerfile=Dockerfile',
          `--destination=${config.ecrRepositoryUri}:${'k'.repeat(64)}`,
          '--push-ignore-immutable-tag-errors',
        ],
      }],
    },
    tags: [],
    enableECSManagedTags: true,
  };
  const inputs = ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input);
  assert.equal(inputs[0], expected);
  assert.equal(inputs[1], expected);
  assert.not.match(JSON.stringify(inputs), /environmentFiles|GIT_|secrets|ghs_|git:\/\//);
});

t('a context at the repository root names the Dockerfile by its repo path', async () => {
  ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task/b2' }] });
  await interpreter(deps())({ ...build, context: '', dockerfilePath: 'Dockerfile' }, meta);
  assert.equal(ecs.commandCalls(RunTaskCommand)[0]!.args[0].input.overrides?.containerOverrides?.[0]?.command?.slice(0, 2), [
    `--context=s3://${config.artifactsBucket}/hyperp-contexts/${'k'.repeat(64)}.tar.gz`, '--dockerfile=Dockerfile',
  ]);
});

t('a context that cannot be built fails the build for good with its reason, and launches nothing', async () => {
  contextRefusal = 'build context multiply: big.bin is 120 MiB; a file may be at most 100 MiB';
  try {
    assert.equal(await interpreter(deps())(build, meta), [
      { _tag: 'CommandFailed', at: NOW, command: build, failure: 'permanent', reason: contextRefusal },
    ]);
    assert.is(ecs.commandCalls(RunTaskCommand).length, 0);
  } finally {
    contextRefusal = null;
  }
});

t('StopTask carries the reason; a task already gone is not an error', async () => {
  ecs.on(StopTaskCommand).rejectsOnce(Object.assign(new Error('The referenced task was not found.'), { name: 'InvalidParameterException' })).resolves({});
  const stop = { _tag: 'StopTask', runId: 'r1', attemptKey: 'a', startedBy: 'hyperp-x', taskArn: 'arn:task/9', reason: 'job x * y failed' } as const;
  assert.equal(await interpreter(deps())(stop, meta), []);
  assert.equal(await interpreter(deps())(stop, meta), []);
  assert.equal(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input), [
    { cluster: config.clusterArn, task: 'arn:task/9', reason: 'job x * y failed' },
    { cluster: config.clusterArn, task: 'arn:task/9', reason: 'job x * y failed' },
  ]);
});

t('task definitions are registered with tags, rejected on client errors, deregistered and deleted ten at a time', async () => {
  ecs.on(RegisterTaskDefinitionCommand).resolvesOnce({ taskDefinition: { taskDefinitionArn: 'arn:td/f:1' } })
    .rejectsOnce(Object.assign(new Error('Invalid cpu'), { name: 'ClientException' }));
  ecs.on(DeregisterTaskDefinitionCommand).resolves({});
  ecs.on(DeleteTaskDefinitionsCommand).resolves({ failures: [] });
  const run = interpreter(deps());
  const td: RegisterTaskDefinition['taskDefinition'] = {
    family: 'hyperp-calculator-add-1', cpu: '256', memory: '512', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], volumes: [],
    containerDefinitions: [{ name: 'add', image: 'img', mountPoints: [], logConfiguration: { logDriver: 'awslogs' } }],
  };
  const reg: RegisterTaskDefinition = {
    _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'add', family: 'hyperp-calculator-add-1',
    taskDefinition: td, tags: [{ key: 'hyperp:run', value: 'r1' }],
  };
  assert.equal(await run(reg, meta), [{ _tag: 'TaskDefinitionRegistered', at: NOW, job: 'add', taskDefinitionArn: 'arn:td/f:1' }]);
  assert.equal(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input, {
    ...td, tags: [{ key: 'hyperp:run', value: 'r1' }],
  });
  assert.equal(await run(reg, meta), [{ _tag: 'CommandFailed', at: NOW, command: reg, failure: 'permanent', reason: 'ClientException: Invalid cpu' }]);
  const arns = Array.from({ length: 12 }, (_, i) => `arn:td/f:${i + 1}`);
  assert.equal(await run({ _tag: 'DeregisterTaskDefinitions', runId: 'r1', taskDefinitionArns: arns }, meta), []);
  assert.is(ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 12);
  assert.equal(ecs.commandCalls(DeleteTaskDefinitionsCommand).map((c) => c.args[0].input.taskDefinitions), [arns.slice(0, 10), arns.slice(10)]);
});

t('RegisterTaskDefinition: "too many concurrent attempts" on a shared family is retryable; access denied is permanent, with AWS\'s message', async () => {
  const concurrent = Object.assign(new Error('Too many concurrent attempts to create a new revision of the specified family.'), {
    name: 'ClientException', $fault: 'client', $metadata: { httpStatusCode: 400 },
  });
  const denied = Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/hyperp-stepper/hyperp-stepper is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/own-task-role'), {
    name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 },
  });
  ecs.on(RegisterTaskDefinitionCommand).rejectsOnce(concurrent).rejectsOnce(denied);
  const reg: RegisterTaskDefinition = {
    _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'add', family: 'hyperp-calculator-add-1', tags: [],
    taskDefinition: { family: 'hyperp-calculator-add-1', cpu: '256', memory: '512', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], volumes: [], containerDefinitions: [] },
  };
  const run = interpreter(deps());
  assert.equal(await run(reg, meta), [{ _tag: 'CommandFailed', at: NOW, command: reg, failure: 'retryable', reason: `ClientException: ${concurrent.message}` }]);
  assert.equal(await run(reg, meta), [{ _tag: 'CommandFailed', at: NOW, command: reg, failure: 'permanent', reason: `AccessDeniedException: ${denied.message}` }]);
});

t('a function error of the EFS helper is not known to last: an unknown CommandFailed, retried a few times', async () => {
  lambda.on(InvokeCommand).resolvesOnce({ StatusCode: 200, Payload: new TextEncoder().encode('{"created":2}') as never })
    .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('{"errorType":"Error","errorMessage":"EACCES"}') as never });
  const run = interpreter(deps());
  const cmd = { _tag: 'EnsureDirectories', runId: 'r1', paths: ['c/r1/w/j1', 'c/r1/w/shared/notes'] } as const;
  assert.equal(await run(cmd, meta), [{ _tag: 'DirectoriesEnsured', at: NOW }]);
  assert.equal(await run(cmd, meta), [{ _tag: 'CommandFailed', at: NOW, command: cmd, failure: 'unknown', reason: 'the efs function failed: Error: EACCES' }]);
  const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
  assert.equal([input.FunctionName, input.InvocationType, JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))], [
    'hyperp-efs', 'RequestResponse', { op: 'mkdirs', runId: 'r1', paths: ['c/r1/w/j1', 'c/r1/w/shared/notes'] },
  ]);
});

t('ScheduleWakeup hands the run and the time to the wake-ups, and reports nothing', async () => {
  woken.length = 0;
  assert.equal(await interpreter(deps())({ _tag: 'ScheduleWakeup', runId: 'r1', at: NOW + 95_300 }, meta), []);
  assert.equal(woken, [['r1', NOW + 95_300]]);
});

t.run();

const n = suite('ECS task state change');

n('a STOPPED event becomes TaskStateObserved with its run, exit codes, times and a deterministic id', () => {
  const detail = {
    clusterArn: config.clusterArn, taskArn: 'arn:aws:ecs:us-east-1:1:task/hyperp/abc', group: 'hyperp:r1', startedBy: 'hyperp-' + 'b'.repeat(29),
    lastStatus: 'STOPPED', desiredStatus: 'STOPPED', version: 5, cpu: '1024', memory: '2048',
    containers: [{ name: 'multiply', exitCode: 0, lastStatus: 'STOPPED' }, { name: 'sidecar', lastStatus: 'STOPPED', reason: 'OutOfMemory' }],
    stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited',
    pullStartedAt: '2026-11-22T08:00:05.000Z', startedAt: '2026-11-22T08:00:20.000Z', stoppedAt: '2026-11-22T08:03:00.000Z',
    updatedAt: '2026-11-22T08:03:01.000Z', attributes: [{ name: 'ecs.cpu-architecture', value: 'arm64' }], ephemeralStorage: { sizeInGiB: 30 },
  };
  assert.equal(normaliseTask(detail, '2026-11-22T08:03:02Z'), {
    _tag: 'Event',
    runId: 'r1',
    id: 'ecs:arn:aws:ecs:us-east-1:1:task/hyperp/abc:STOPPED:5',
    event: {
      _tag: 'TaskStateObserved', at: Date.parse('2026-11-22T08:03:01.000Z'), startedBy: detail.startedBy, taskArn: detail.taskArn,
      lastStatus: 'STOPPED',
      containers: [{ name: 'multiply', exitCode: 0, reason: null }, { name: 'sidecar', exitCode: null, reason: 'OutOfMemory' }],
      stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited',
      pullStartedAt: Date.parse(detail.pullStartedAt), startedAt: Date.parse(detail.startedAt), stoppedAt: Date.parse(detail.stoppedAt),
      cpu: 1024, memory: 2048, arch: 'arm64', ephemeralStorageGiB: 30,
    },
  });
  assert.equal(normaliseTask({ ...detail, group: 'family:other' }, null), { _tag: 'Ignore', reason: `task ${detail.taskArn} was not started by hyperp` });
  assert.equal(normaliseTask({ ...detail, lastStatus: 'PROVISIONING' }, null), { _tag: 'Ignore', reason: 'status PROVISIONING is not acted on' });
});

n.run();
