import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { vecToArray } from '@hyperp/core';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sweepHandler } from '../src/handlers/sweep.js';
import { getRunMeta } from '../src/run/meta.js';
import type { StoredRun } from '../src/run/stepper.js';
import { dynamoStore } from '../src/store/store.js';
import { planCalculator } from './support/calculator-request.js';
import { drive } from './support/drive.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/hyperp';
let local: LocalDynamo;
const ecs = mockClient(ECSClient);

const s = suite('sweep');
s.before(async () => {
  local = await startDynamoLocal();
});
s.after(async () => {
  ecs.restore();
  await local.stop();
});

s('ticks active runs once a minute, recovers a lost STOPPED event, and stops tasks of ended runs', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const { runId, request } = await planCalculator(store, T0);
  const meta = (await getRunMeta(store.ctx, runId))!;
  const d = await drive(store, request, meta, T0);
  const builds = vecToArray((await d.state()).images);
  assert.equal(builds.map((i) => i.status), ['BUILDING', 'BUILDING', 'BUILDING', 'BUILDING']);

  // A run that ended, whose task is somehow still running (its StopTask was lost).
  const done = syntheticRunRequested({ jobs: [{ name: 'a' }] }, { runId: 'done-run', at: T0 });
  const ended = simulate({ seed: 1, request: done, model: { startLatencyMs: 1000, buildMs: () => 1000, task: () => ({ durationMs: 1000, exitCode: 0 }) } }).state;
  await store.states.save({
    runId: 'done-run', version: 1, outbox: [], outboxDone: true, status: ended.status, updatedAt: 't',
    state: { run: ended, meta: { ...meta, runId: 'done-run' } },
  });

  const [lost, ...others] = builds;
  const now = T0 + 5 * 60_000;
  const task = (arn: string, startedBy: string, group: string, lastStatus: string, version: number): Task => ({
    taskArn: arn, startedBy, group, lastStatus, version, cpu: '1024', memory: '2048',
    containers: [{ name: 'kaniko', ...(lastStatus === 'STOPPED' ? { exitCode: 0 } : {}) }],
    ...(lastStatus === 'STOPPED' ? { stopCode: 'EssentialContainerExited', stoppedAt: new Date(now - 1000) } : {}),
    pullStartedAt: new Date(T0 + 1000), startedAt: new Date(T0 + 5000), attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
  });
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: input.tasks.map((arn) =>
      arn === lost!.taskArn
        ? task(arn, lost!.startedBy, `hyperp:${runId}`, 'STOPPED', 4)
        : arn === 'arn:orphan'
          ? task(arn, 'hyperp-' + 'f'.repeat(29), 'hyperp:done-run', 'RUNNING', 2)
          : arn === 'arn:unknown-run'
            ? task(arn, 'hyperp-' + 'e'.repeat(29), 'hyperp:not-yet-stepped', 'RUNNING', 2)
            : task(arn, others.find((o) => o.taskArn === arn)?.startedBy ?? 'x', `hyperp:${runId}`, 'RUNNING', 2),
    ),
    failures: [],
  }));
  ecs.on(ListTasksCommand).resolves({ taskArns: [...builds.map((b) => b.taskArn!), 'arn:orphan', 'arn:unknown-run'] });
  ecs.on(StopTaskCommand).resolves({});

  const sweep = sweepHandler({
    store, config: { clusterArn: CLUSTER }, ecs: new ECSClient({ region: 'us-east-1' }),
    retry: { attempts: 2, baseMs: 1, maxMs: 1, sleep: async () => undefined, random: () => 0 }, now: () => now, log: () => undefined,
    restep: async (id, events) => void resteps.push([id, events.map((e) => (e as { taskArn: string }).taskArn)]),
  });
  const resteps: [string, string[]][] = [];
  // No ECS event of the builds arrived: the sweep recovers the STOPPED one and the RUNNING others.
  assert.equal(await sweep(), { activeRuns: 1, ticks: 1, reconciled: 4, orphansStopped: 1, failed: 0 });
  const ids = (await store.events.list(runId)).map((e) => e.id).filter((id) => !id.startsWith('cmd:') && id !== 'requested');
  assert.equal(ids.sort(), [
    `ecs:${lost!.taskArn}:STOPPED:4`,
    ...others.map((o) => `ecs:${o.taskArn}:RUNNING:2`),
    `tick:${Math.floor(now / 60_000) * 60_000}`,
  ].sort());
  assert.equal(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input), [
    { cluster: CLUSTER, task: 'arn:orphan', reason: 'hyperp: run done-run has ended (SUCCEEDED)' },
  ]);
  // The same minute again: the tick and the recovered event are already there.
  assert.equal(resteps, []);
  // The same minute again, before the stepper ran: nothing new is logged, but the STOPPED event
  // that is logged and still not folded (as if its stream record were lost) goes to the stepper.
  const again = await sweep();
  assert.equal([again.ticks, again.reconciled], [0, 0]);
  assert.equal(resteps, [[runId, [lost!.taskArn]]]);
  // Folded, the recovered STOPPED finishes that build, as if EventBridge had delivered it.
  const events = (await store.events.list(runId)).filter((e) => e.id === `ecs:${lost!.taskArn}:STOPPED:4`).map((e) => e.event);
  await d.step(events as never);
  assert.is(vecToArray((await d.state()).images).find((i) => i.key === lost!.key)?.status, 'BUILT');
});

s('finds a task whose RunTask answer was lost by its startedBy, the only filter ListTasks allows with it, and logs its state', async () => {
  ecs.reset();
  const store = dynamoStore(local.doc, await local.createTable());
  const { runId, request } = await planCalculator(store, T0);
  const meta = (await getRunMeta(store.ctx, runId))!;
  let lostStartedBy: string | null = null;
  const d = await drive(store, request, meta, T0, {
    loseAnswer: (c) => c._tag === 'BuildImage' && (lostStartedBy ??= c.startedBy) === c.startedBy,
  });
  const builds = vecToArray((await d.state()).images);
  const lost = builds.find((b) => b.startedBy === lostStartedBy)!;
  assert.equal([lost.status, lost.taskArn], ['BUILDING', null]);
  const arn = d.cloud.launched.get(lost.startedBy)!;
  const now = T0 + 5 * 60_000;
  // ECS refuses startedBy with any other filter (ECS API Reference "ListTasks").
  ecs.on(ListTasksCommand).callsFake((input: { startedBy?: string; desiredStatus?: string }) => {
    if (input.startedBy !== undefined && Object.keys(input).some((k) => k !== 'startedBy' && k !== 'cluster')) {
      throw Object.assign(new Error('startedBy must be the only filter'), { name: 'InvalidParameterException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    }
    return { taskArns: input.startedBy === lost.startedBy ? [arn] : [] };
  });
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: input.tasks.map((t): Task => ({
      taskArn: t, startedBy: t === arn ? lost.startedBy : builds.find((b) => b.taskArn === t)!.startedBy, group: `hyperp:${runId}`,
      lastStatus: t === arn ? 'STOPPED' : 'RUNNING', version: t === arn ? 5 : 2, cpu: '1024', memory: '2048',
      containers: [{ name: 'kaniko', ...(t === arn ? { exitCode: 0 } : {}) }],
      ...(t === arn ? { stopCode: 'EssentialContainerExited', stoppedAt: new Date(now - 1000) } : {}),
      pullStartedAt: new Date(T0 + 1000), startedAt: new Date(T0 + 5000), attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    })),
    failures: [],
  }));
  const sweep = sweepHandler({
    store, config: { clusterArn: CLUSTER }, ecs: new ECSClient({ region: 'us-east-1' }),
    retry: { attempts: 2, baseMs: 1, maxMs: 1, sleep: async () => undefined, random: () => 0 }, now: () => now, log: () => undefined,
    restep: async () => undefined,
  });
  assert.equal(await sweep(), { activeRuns: 1, ticks: 1, reconciled: 4, orphansStopped: 0, failed: 0 });
  assert.equal(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input), [
    { cluster: CLUSTER, startedBy: lost.startedBy },
    { cluster: CLUSTER, desiredStatus: 'RUNNING' },
  ]);
  assert.equal(ecs.commandCalls(DescribeTasksCommand).map((c) => [...c.args[0].input.tasks!].sort()), [
    [...builds.filter((b) => b.taskArn).map((b) => b.taskArn!), arn].sort(),
  ]);
  const logged = (await store.events.list(runId)).filter((e) => e.id === `ecs:${arn}:STOPPED:5`).map((e) => e.event);
  assert.is(logged.length, 1);
  // Folded, the found STOPPED finishes the build.
  await d.step(logged as never);
  assert.is(vecToArray((await d.state()).images).find((i) => i.key === lost.key)!.status, 'BUILT');
});

s('tasks whose stop events were lost are described by their ARNs, 100 per call: a stopped one ends with its exit codes, one ECS no longer knows (MISSING) ends as stopped unobserved, and the run finishes', async () => {
  ecs.reset();
  const store = dynamoStore(local.doc, await local.createTable());
  // 101 tasks of one job, on an image that exists: every attempt launched, no event of any arrives.
  const request = syntheticRunRequested({ name: 'wide', jobs: [{ name: 'map', concurrency: 101, imageAction: 'reuse' }] }, { runId: 'wide-run', at: T0 });
  const meta = { runId: 'wide-run', repo: 'acme/wide', installationId: 7, branch: 'main', commit: request.commit, workflow: 'wide', trigger: 'push' as const };
  const d = await drive(store, request, meta, T0);
  const arns = [...d.cloud.launched.values()];
  assert.is(arns.length, 101);
  const startedByOf = new Map([...d.cloud.launched].map(([startedBy, arn]) => [arn, startedBy]));
  // ECS still describes most (stopped, exit 0) and has forgotten two, one in each call.
  const forgotten = new Set([arns[7]!, arns[100]!]);
  const now = T0 + 3 * 3_600_000;
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: input.tasks.filter((a) => !forgotten.has(a)).map((a): Task => ({
      taskArn: a, startedBy: startedByOf.get(a)!, group: 'hyperp:wide-run', lastStatus: 'STOPPED', version: 3, cpu: '256', memory: '512',
      containers: [{ name: 'main', exitCode: 0 }], stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited',
      pullStartedAt: new Date(T0 + 1000), startedAt: new Date(T0 + 5000), stoppedAt: new Date(T0 + 60_000),
    })),
    failures: input.tasks.filter((a) => forgotten.has(a)).map((arn) => ({ arn, reason: 'MISSING' })),
  }));
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  const sweep = sweepHandler({
    store, config: { clusterArn: CLUSTER }, ecs: new ECSClient({ region: 'us-east-1' }),
    retry: { attempts: 2, baseMs: 1, maxMs: 1, sleep: async () => undefined, random: () => 0 }, now: () => now, log: () => undefined,
    restep: async () => undefined,
  });
  assert.equal(await sweep(), { activeRuns: 1, ticks: 1, reconciled: 101, orphansStopped: 0, failed: 0 });
  // DescribeTasks takes at most 100 tasks (ECS API Reference, "DescribeTasks"): two calls, in order.
  assert.equal(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input), [
    { cluster: CLUSTER, tasks: arns.slice(0, 100) },
    { cluster: CLUSTER, tasks: arns.slice(100) },
  ]);
  assert.equal(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input), [{ cluster: CLUSTER, desiredStatus: 'RUNNING' }]);
  // What the sweep logged reaches the stepper (the table's stream); the run ends.
  const logged = (await store.events.list('wide-run')).filter((e) => e.id.startsWith('ecs:'));
  assert.equal(logged.filter((e) => e.id.endsWith(':MISSING')).map((e) => e.id).sort(), [...forgotten].map((a) => `ecs:${a}:MISSING`).sort());
  await d.step(logged.map((e) => e.event) as never);
  const run = await d.state();
  assert.equal([run.status, run.finishedAt !== null], ['FAILED', true]);
  const attempts = vecToArray(vecToArray(run.jobs)[0]!.tasks).flatMap((t) => t.attempts);
  assert.equal(attempts.filter((a) => a.outcome === 'SUCCEEDED').map((a) => a.taskArn), arns.filter((a) => !forgotten.has(a)));
  assert.equal(
    [...new Set(attempts.filter((a) => a.outcome === 'FAILED').map((a) => a.reason))],
    ['container "main" did not exit normally (ECS no longer knows this task (DescribeTasks: MISSING); it stopped and its end was not observed)'],
  );
});

s('one run that cannot be swept does not stop the others: they are ticked and reconciled, orphans stopped, the failure counted', async () => {
  ecs.reset();
  const store = dynamoStore(local.doc, await local.createTable());
  const { runId, request } = await planCalculator(store, T0);
  const meta = (await getRunMeta(store.ctx, runId))!;
  await drive(store, request, meta, T0);
  // A second active run whose ECS calls are refused: listed before the good one (newest first).
  const bad = await drive(store, { ...request, runId: 'bad-run', at: T0 + 1 }, { ...meta, runId: 'bad-run' }, T0 + 1);
  const badArns = new Set([...bad.cloud.launched.values()]);
  const now = T0 + 5 * 60_000;
  const denied = Object.assign(new Error('User: arn:aws:sts::1:assumed-role/hyperp-sweep/x is not authorized to perform: ecs:DescribeTasks'), {
    name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 },
  });
  const good = vecToArray(((await store.states.load(runId))!.state as StoredRun).run.images);
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => {
    if (input.tasks.some((t) => badArns.has(t))) throw denied;
    return {
      tasks: input.tasks.map((t): Task => ({
        taskArn: t, startedBy: good.find((b) => b.taskArn === t)!.startedBy, group: `hyperp:${runId}`,
        lastStatus: 'RUNNING', version: 2, cpu: '1024', memory: '2048', containers: [{ name: 'kaniko' }],
        pullStartedAt: new Date(T0 + 1000), startedAt: new Date(T0 + 5000), attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
      })),
      failures: [],
    };
  });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  const logs: string[] = [];
  const sweep = sweepHandler({
    store, config: { clusterArn: CLUSTER }, ecs: new ECSClient({ region: 'us-east-1' }),
    retry: { attempts: 2, baseMs: 1, maxMs: 1, sleep: async () => undefined, random: () => 0 }, now: () => now,
    log: (m) => void logs.push(m), restep: async () => undefined,
  });
  assert.equal(await sweep(), { activeRuns: 2, ticks: 2, reconciled: 4, orphansStopped: 0, failed: 1 });
  assert.ok(logs.includes('sweep: this run could not be swept; the others go on'));
});

s.run();
