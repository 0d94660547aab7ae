import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { taskLaunchAccepted, taskLaunchRejected, taskRunning, taskStopped, tick } from '../../src/run/constructors.js';
import type { RunEvent } from '../../src/run/events.js';
import { heapPush } from '../../src/run/heap.js';
import { enqueue, dequeue } from '../../src/run/queue.js';
import { zeroTaskCounts, type AttemptRecord, type RunState } from '../../src/run/state.js';
import { startedByInsert } from '../../src/run/started-by-index.js';
import { timerOrder } from '../../src/run/timers.js';
import { vecFromArray } from '../../src/run/vector.js';
import { imageUri } from '../../src/names/images.js';
import { syntheticImageKey } from '../../src/sim/workflow.js';
import {
  arnOf, attemptOf, jobOf, keys, request, RUN, runTaskCommand, smallWorkflow, stateAfter, step, T0, taskArn, withJob, withTask,
} from './support.js';

const r = request();
const built = (name: string, at: number): RunEvent => ({
  _tag: 'ImageBuildSucceeded', at, key: syntheticImageKey(name), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey(name)), usage: null,
});
const registered = (job: string, at: number): RunEvent => ({ _tag: 'TaskDefinitionRegistered', at, job, taskDefinitionArn: arnOf(job) });
const freshAttempt = (job: string, index: number, attempt: number, notBefore: number | null = null): AttemptRecord => ({
  attempt, ...(({ attemptKey, startedBy }) => ({ attemptKey, startedBy }))(keys(job, index, attempt)), taskArn: null, launchedAt: null,
  notBefore, runningAt: null, stoppedAt: null, lastStatus: null, outcome: null, reason: null, exitCodes: {}, stopCode: null,
  deadline: null, timedOut: false, stopReason: null, stopSent: false, throttled: 0, usage: null, costUsd: 0,
});

/** Run requested, folders made, a's image built and its task definition registered: a's task launched. */
const launchedA = [r, { _tag: 'DirectoriesEnsured', at: T0 + 1 } as RunEvent, built('a', T0 + 10), registered('a', T0 + 11)];
const aKeys = keys('a', 1, 1);

const Registered = suite('onTaskDefinitionRegistered');

Registered('a registered job whose dependencies succeeded starts: its tasks launch with TASK_INDEX', () => {
  const s0 = stateAfter(launchedA.slice(0, 3));
  const [s1, commands] = step(s0, registered('a', T0 + 11));
  const attempt = { ...freshAttempt('a', 1, 1), launchedAt: T0 + 11 };
  const expected: RunState = {
    ...withJob(s0, 'a', (j) => ({
      ...j, status: 'RUNNING', registration: 'REGISTERED', taskDefinitionArn: arnOf('a'), startedAt: T0 + 11,
      tasks: vecFromArray([{ index: 1, status: 'LAUNCHING', attempts: [attempt] }]), taskCounts: { ...zeroTaskCounts, LAUNCHING: 1 },
    })),
    now: T0 + 11,
    status: 'RUNNING',
    startedAt: T0 + 11,
    jobCounts: { ...s0.jobCounts, READY: 1, RUNNING: 1 },
    inFlight: { ...s0.inFlight, tasks: 1 },
    launchQueue: dequeue(enqueue(s0.launchQueue, { kind: 'task', job: 0, index: 1, attempt: 1 })),
    pacerTat: s0.pacerTat + 50,
    startedByIndex: startedByInsert(s0.startedByIndex, aKeys.startedBy, { kind: 'task', job: 0, index: 1, attempt: 1 }),
  };
  assert.equal(s1, expected);
  assert.equal(commands, [runTaskCommand(smallWorkflow, 'a', 1, 1, 1, arnOf('a'))]);
  assert.equal(step(s1, registered('a', T0 + 11)), [s1, []], 'a duplicate changes nothing');
});

Registered('a second revision from a repeated registration is kept for deregistration', () => {
  const s0 = stateAfter(launchedA);
  const [s1, commands] = step(s0, { _tag: 'TaskDefinitionRegistered', at: T0 + 12, job: 'a', taskDefinitionArn: `${arnOf('a')}0` });
  assert.equal([s1, commands], [{ ...withJob(s0, 'a', (j) => ({ ...j, otherTaskDefinitionArns: [`${arnOf('a')}0`] })), now: T0 + 12 }, []]);
});

Registered('a job registered before the folders exist waits for them', () => {
  const s0 = stateAfter([r, built('a', T0 + 10), registered('a', T0 + 11)]);
  assert.equal([jobOf(s0, 'a').status, jobOf(s0, 'a').registration], ['READY', 'REGISTERED']);
  const [s1, commands] = step(s0, { _tag: 'DirectoriesEnsured', at: T0 + 20 });
  assert.equal([s1.directories, jobOf(s1, 'a').status, commands], ['READY', 'RUNNING', [runTaskCommand(smallWorkflow, 'a', 1, 1, 1, arnOf('a'))]]);
});

Registered('a rejected task definition fails the job and skips its dependents', () => {
  const s0 = stateAfter(launchedA.slice(0, 3));
  const [s1, commands] = step(s0, { _tag: 'TaskDefinitionRejected', at: T0 + 11, job: 'a', reason: 'invalid cpu' });
  const reason = 'its task definition was rejected: invalid cpu';
  assert.equal(s1, {
    ...withJob(withJob(s0, 'a', (j) => ({ ...j, status: 'FAILED', registration: 'REJECTED', reason, finishedAt: T0 + 11 })), 'b',
      (j) => ({ ...j, status: 'SKIPPED', reason: 'upstream job "a" failed', finishedAt: T0 + 11 })),
    now: T0 + 11,
    jobCounts: { ...s0.jobCounts, READY: 1, BUILDING: 0, FAILED: 1, SKIPPED: 1 },
    failure: `job "a" failed: ${reason}`,
  });
  assert.equal(commands, []);
});

const Launch = suite('onTaskLaunch*');

Launch('an accepted launch keeps the task ARN; a duplicate changes nothing', () => {
  const s0 = stateAfter(launchedA);
  const [s1, commands] = step(s0, taskLaunchAccepted(T0 + 12, aKeys.startedBy, taskArn(1)));
  const expected = withJob(
    withTask(s0, 'a', 1, (t) => ({ ...t, status: 'STARTING', attempts: [{ ...t.attempts[0]!, taskArn: taskArn(1) }] })),
    'a', (j) => ({ ...j, taskCounts: { ...zeroTaskCounts, STARTING: 1 } }),
  );
  assert.equal([s1, commands], [{ ...expected, now: T0 + 12 }, []]);
  assert.equal(step(s1, taskLaunchAccepted(T0 + 12, aKeys.startedBy, taskArn(1))), [s1, []]);
});

Launch('a throttled launch goes back to the queue after a back-off, without using an attempt', () => {
  const s0 = stateAfter(launchedA);
  const [s1, commands] = step(s0, taskLaunchRejected(T0 + 12, aKeys.startedBy, 'ThrottlingException', true));
  const ref = { kind: 'task' as const, job: 0, index: 1, attempt: 1 };
  const expected: RunState = {
    ...withTask(s0, 'a', 1, (t) => ({ ...t, status: 'QUEUED', attempts: [{ ...t.attempts[0]!, throttled: 1, launchedAt: null, deadline: null }] })),
    now: T0 + 12,
    inFlight: { ...s0.inFlight, tasks: 0 },
    timers: heapPush(s0.timers, { at: T0 + 1012, kind: 'relaunch', ref }, timerOrder),
    wakeupAt: T0 + 1012,
  };
  assert.equal(s1, { ...expected, jobs: withJob(expected, 'a', (j) => ({ ...j, taskCounts: { ...zeroTaskCounts, QUEUED: 1 } })).jobs });
  assert.equal(commands, [{ _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 1012 }]);
  const [s2, again] = step(s1, tick(T0 + 1012));
  // The next thing to wake for is b's image build deadline, an hour after its launch.
  assert.equal(again, [runTaskCommand(smallWorkflow, 'a', 1, 1, 1, arnOf('a')), { _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 3_600_000 }]);
  assert.equal(step(s2, taskLaunchRejected(T0 + 12, aKeys.startedBy, 'ThrottlingException', true)), [s2, []], 'the old rejection, delivered again, is stale');
});

Launch('a launch refused for good fails the attempt; with no retries left the job fails', () => {
  const s0 = stateAfter(launchedA);
  const [s1, commands] = step(s0, taskLaunchRejected(T0 + 12, aKeys.startedBy, 'MISSING image', false));
  assert.equal([jobOf(s1, 'a').status, jobOf(s1, 'a').reason, jobOf(s1, 'b').status, s1.inFlight.tasks, commands],
    ['FAILED', 'task 1: the task could not be launched: MISSING image', 'SKIPPED', 0, []]);
});

const TaskState = suite('onTaskStateObserved');

TaskState('RUNNING then STOPPED with exit 0: the task and its job succeed and cost is added', () => {
  const s0 = stateAfter([...launchedA, taskLaunchAccepted(T0 + 12, aKeys.startedBy, taskArn(1))]);
  const [s1, c1] = step(s0, taskRunning(T0 + 20_000, aKeys.startedBy, taskArn(1), ['main'], { pullStartedAt: T0 + 13 }));
  assert.equal(c1, []);
  assert.equal(attemptOf(s1, 'a', 1, 1), { ...attemptOf(s0, 'a', 1, 1), lastStatus: 'RUNNING', runningAt: T0 + 20_000 });
  assert.equal(jobOf(s1, 'a').taskCounts, { ...zeroTaskCounts, RUNNING: 1 });
  const stopped = taskStopped(T0 + 80_013, aKeys.startedBy, taskArn(1), { main: 0 }, { pullStartedAt: T0 + 13, startedAt: T0 + 20_000 });
  const [s2, c2] = step(s1, stopped);
  const usage = { cpu: 256, memory: 512, arch: 'x86_64', ephemeralStorageGiB: 20, pullStartedAt: T0 + 13, startedAt: T0 + 20_000, stoppedAt: T0 + 80_013 };
  // 80 s of 0.25 vCPU and 0.5 GB: 224,889 + 49,389 nano-USD.
  const usd = 0.000274278;
  assert.equal(attemptOf(s2, 'a', 1, 1), {
    ...attemptOf(s1, 'a', 1, 1), lastStatus: 'STOPPED', stoppedAt: T0 + 80_013, exitCodes: { main: 0 }, stopCode: 'EssentialContainerExited',
    usage, outcome: 'SUCCEEDED', reason: null, costUsd: usd,
  });
  assert.equal([jobOf(s2, 'a').status, jobOf(s2, 'a').finishedAt, jobOf(s2, 'a').costUsd, jobOf(s2, 'b').depsWaiting, jobOf(s2, 'b').status],
    ['SUCCEEDED', T0 + 80_013, usd, 0, 'BUILDING']);
  assert.equal(s2.cost, { tasksUsd: usd, buildsUsd: 0, totalUsd: usd, vcpuSeconds: 20, gbSeconds: 40 });
  assert.equal(c2, []);
  assert.equal(step(s2, stopped), [s2, []], 'a duplicate STOPPED changes nothing');
  assert.equal(step(s2, taskRunning(T0 + 20_000, aKeys.startedBy, taskArn(1), ['main'])), [s2, []], 'a late RUNNING changes nothing');
});

TaskState('a task that stopped without a start time (pulled, never started) costs 0, and so do its job and the run', () => {
  const s0 = stateAfter([...launchedA, taskLaunchAccepted(T0 + 12, aKeys.startedBy, taskArn(1))]);
  const [s1] = step(s0, taskStopped(T0 + 90_000, aKeys.startedBy, taskArn(1), { main: null }, {
    pullStartedAt: T0 + 13, stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied',
  }));
  assert.equal([attemptOf(s1, 'a', 1, 1).outcome, attemptOf(s1, 'a', 1, 1).costUsd, jobOf(s1, 'a').costUsd], ['FAILED', 0, 0]);
  assert.equal(s1.cost, { tasksUsd: 0, buildsUsd: 0, totalUsd: 0, vcpuSeconds: 0, gbSeconds: 0 });
  // an engine that said RUNNING before it knew its container could not start: still no start
  const [s2] = step(step(s0, taskRunning(T0 + 13, aKeys.startedBy, taskArn(1), ['main'], { pullStartedAt: T0 + 13 }))[0],
    taskStopped(T0 + 90_000, aKeys.startedBy, taskArn(1), { main: null }, { pullStartedAt: T0 + 13, startedAt: T0 + 13, stopCode: 'TaskFailedToStart' }));
  assert.equal([attemptOf(s2, 'a', 1, 1).costUsd, jobOf(s2, 'a').costUsd, s2.cost.totalUsd], [0, 0, 0]);
});

TaskState('STOPPED before RUNNING (and before the launch answer) ends the attempt all the same', () => {
  const s0 = stateAfter(launchedA);
  const [s1] = step(s0, taskStopped(T0 + 30_000, aKeys.startedBy, taskArn(1), { main: 0 }, { pullStartedAt: T0 + 13, startedAt: T0 + 1000 }));
  assert.equal([jobOf(s1, 'a').status, attemptOf(s1, 'a', 1, 1).taskArn, s1.inFlight.tasks], ['SUCCEEDED', taskArn(1), 0]);
  const [s2, c2] = step(s1, taskLaunchAccepted(T0 + 12, aKeys.startedBy, taskArn(1)));
  assert.equal([s2, c2], [s1, []], 'the late launch answer changes nothing');
});

/** b runs two tasks with one retry and a 60 s deadline; a has succeeded. */
const bRunning = (): RunState => stateAfter([
  ...launchedA, taskStopped(T0 + 30_000, aKeys.startedBy, taskArn(1), { main: 0 }), built('b', T0 + 31_000), registered('b', T0 + 31_001),
]);

TaskState('a failed task with attempts left backs off, then relaunches as attempt 2', () => {
  const s0 = bRunning();
  const b1 = keys('b', 1, 1);
  const [s1, c1] = step(s0, taskStopped(T0 + 40_000, b1.startedBy, taskArn(2), { main: 3 }));
  const next = freshAttempt('b', 1, 2, T0 + 50_000);
  assert.equal(attemptOf(s1, 'b', 1, 2), next);
  assert.equal([attemptOf(s1, 'b', 1, 1).outcome, attemptOf(s1, 'b', 1, 1).reason], ['FAILED', 'container "main" exited with code 3']);
  assert.equal([jobOf(s1, 'b').status, jobOf(s1, 'b').taskCounts], ['RUNNING', { ...zeroTaskCounts, BACKOFF: 1, LAUNCHING: 1 }]);
  assert.equal(c1, [{ _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 50_000 }]);
  const [s2, c2] = step(s1, tick(T0 + 50_000));
  // no deadline (and so no wake-up) until a launch is accepted
  assert.equal(c2, [runTaskCommand(smallWorkflow, 'b', 1, 2, 2, arnOf('b'))]);
  assert.equal(jobOf(s2, 'b').taskCounts, { ...zeroTaskCounts, LAUNCHING: 2 });
});

TaskState('the last attempt failing fails the job: its other task is stopped with the reason', () => {
  let s = bRunning();
  s = step(s, taskLaunchAccepted(T0 + 31_002, keys('b', 2, 1).startedBy, taskArn(3)))[0];
  s = step(s, taskStopped(T0 + 40_000, keys('b', 1, 1).startedBy, taskArn(2), { main: 3 }))[0];
  s = step(s, tick(T0 + 50_000))[0];
  const [s1, commands] = step(s, taskStopped(T0 + 55_000, keys('b', 1, 2).startedBy, taskArn(4), { main: 4 }));
  const reason = 'task 1 (attempt 2 of 2): container "main" exited with code 4';
  assert.equal([jobOf(s1, 'b').status, jobOf(s1, 'b').reason, s1.failure], ['FAILED', reason, `job "b" failed: ${reason}`]);
  assert.equal(commands, [{ _tag: 'StopTask', runId: RUN, ...(({ attemptKey, startedBy }) => ({ attemptKey, startedBy }))(keys('b', 2, 1)), taskArn: taskArn(3), reason: `job "b" failed: ${reason}` }]);
  const [s2, end] = step(s1, taskStopped(T0 + 56_000, keys('b', 2, 1).startedBy, taskArn(3), { main: 143 }, { stopCode: 'UserInitiated' }));
  assert.equal([attemptOf(s2, 'b', 2, 1).outcome, s2.status, s2.finishedAt], ['CANCELLED', 'RUNNING', null], 'c has not run yet');
  assert.equal(end, []);
});

TaskState('a deadline stops the attempt, which fails as timed out', () => {
  let s = bRunning();
  s = step(s, taskLaunchAccepted(T0 + 31_002, keys('b', 1, 1).startedBy, taskArn(2)))[0];
  // counted from the acceptance (31_002), not the launch (31_001)
  assert.equal(attemptOf(step(s, tick(T0 + 91_001))[0], 'b', 1, 1).timedOut, false);
  const [s1, commands] = step(s, tick(T0 + 91_002));
  const k = keys('b', 1, 1);
  assert.equal(commands, [
    { _tag: 'StopTask', runId: RUN, attemptKey: k.attemptKey, startedBy: k.startedBy, taskArn: taskArn(2), reason: 'timed out after 60 s' },
  ]);
  const [s2] = step(s1, taskStopped(T0 + 92_000, k.startedBy, taskArn(2), { main: 143 }, { stopCode: 'UserInitiated' }));
  assert.equal([attemptOf(s2, 'b', 1, 1).outcome, attemptOf(s2, 'b', 1, 1).reason, jobOf(s2, 'b').taskCounts.BACKOFF], ['FAILED', 'timed out after 60 s', 1]);
});

TaskState('a launch accepted late (it waited for capacity) gets its whole timeout from the acceptance; an unanswered launch has no deadline yet', () => {
  const s = bRunning();
  const k1 = keys('b', 1, 1);
  assert.equal([attemptOf(s, 'b', 1, 1).deadline, attemptOf(s, 'b', 2, 1).deadline, s.timers.size], [null, null, 0]);
  const [s1, c1] = step(s, taskLaunchAccepted(T0 + 80_000, k1.startedBy, taskArn(2)));
  assert.equal(attemptOf(s1, 'b', 1, 1).deadline, T0 + 140_000);
  assert.equal(c1, [{ _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 140_000 }]);
  // a RUNNING state that comes before the acceptance starts the deadline as well, once
  const k2 = keys('b', 2, 1);
  const [s2] = step(s1, taskRunning(T0 + 90_000, k2.startedBy, taskArn(3), ['main']));
  const [s3] = step(s2, taskLaunchAccepted(T0 + 95_000, k2.startedBy, taskArn(3)));
  assert.equal([attemptOf(s3, 'b', 2, 1).deadline, attemptOf(s3, 'b', 1, 1).timedOut], [T0 + 150_000, false]);
  const [, c4] = step(s3, tick(T0 + 140_000));
  assert.equal(c4, [
    { _tag: 'StopTask', runId: RUN, attemptKey: k1.attemptKey, startedBy: k1.startedBy, taskArn: taskArn(2), reason: 'timed out after 60 s' },
    { _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 150_000 },
  ]);
});

TaskState('the deadlines of tasks that ended are dropped, so no wake-up is asked for them', () => {
  let s = bRunning();
  s = step(s, taskLaunchAccepted(T0 + 31_002, keys('b', 1, 1).startedBy, taskArn(2)))[0];
  s = step(s, taskLaunchAccepted(T0 + 31_003, keys('b', 2, 1).startedBy, taskArn(3)))[0];
  assert.equal(s.timers.size, 2);
  s = step(s, taskStopped(T0 + 40_000, keys('b', 1, 1).startedBy, taskArn(2), { main: 0 }))[0];
  assert.equal(s.timers.size, 1, "task 1's deadline was on top and is gone; task 2's still applies");
  const [s1, commands] = step(s, taskStopped(T0 + 41_000, keys('b', 2, 1).startedBy, taskArn(3), { main: 0 }));
  assert.equal([s1.timers.size, commands, jobOf(s1, 'b').status], [0, [], 'SUCCEEDED']);
});

Registered.run();
Launch.run();
TaskState.run();
