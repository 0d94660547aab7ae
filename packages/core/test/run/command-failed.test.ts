// Failed commands: every command ends in its results or in `CommandFailed`; retryable failures
// are sent again through wake-ups, bounded; permanent ones fail what the command was for; and
// the run ends whatever fails, cancel included.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Command } from '../../src/run/commands.js';
import type { CommandFailed, FailureClass, RunEvent } from '../../src/run/events.js';
import { reduce, reduceAll } from '../../src/run/reduce.js';
import { commandRetryLimit } from '../../src/run/retry-limits.js';
import { initialState, type RunState } from '../../src/run/state.js';
import { retriesView } from '../../src/run/view.js';
import { attemptOf, buildKeys, jobOf, keys, request, T0 } from './support.js';

const failed = (command: Command, failure: FailureClass, reason: string, at: number): CommandFailed =>
  ({ _tag: 'CommandFailed', at, command, failure, reason });

const tagged = <T extends Command['_tag']>(cs: readonly Command[], tag: T) =>
  cs.filter((c): c is Extract<Command, { _tag: T }> => c._tag === tag);

/** Folds `events` onto `s`: the state and the commands they asked for. */
const more = (s: RunState, events: readonly RunEvent[]) => reduceAll(s, events);

const started = () => reduceAll(initialState(), [request()]);

const F = suite('CommandFailed');

F('a throttled registration is sent again, identical, after a wake-up; the job waits instead of failing', () => {
  const [s0, cs0] = started();
  const register = tagged(cs0, 'RegisterTaskDefinition').find((c) => c.job === 'c')!;
  const [s1, cs1] = reduce(s0, failed(register, 'retryable', 'ThrottlingException: Rate exceeded', T0 + 10));
  assert.is(jobOf(s1, 'c').status, 'READY');
  assert.equal(tagged(cs1, 'ScheduleWakeup').map((c) => c.at), [T0 + 1010]);
  assert.equal(retriesView(s1), [
    { command: 'RegisterTaskDefinition', target: 'c', failures: 1, reason: 'ThrottlingException: Rate exceeded', nextAt: T0 + 1010, gaveUp: false },
  ]);
  const [s2, cs2] = reduce(s1, { _tag: 'Tick', at: T0 + 1010 });
  assert.equal(tagged(cs2, 'RegisterTaskDefinition'), [register]);
  // A repeat of the first failure (its delivery came twice) does not count again.
  const [s3, cs3] = reduce(s2, failed(register, 'retryable', 'ThrottlingException: Rate exceeded', T0 + 10));
  assert.equal([s3.commandRetries, cs3], [s2.commandRetries, []]);
  const [s4] = reduce(s3, { _tag: 'TaskDefinitionRegistered', at: T0 + 1100, job: 'c', taskDefinitionArn: 'arn:td/c:1' });
  assert.equal([jobOf(s4, 'c').registration, jobOf(s4, 'c').taskDefinitionArn], ['REGISTERED', 'arn:td/c:1']);
});

F('retryable failures are bounded: after the last retry the job fails with the last message', () => {
  let [s, cs] = started();
  const register = tagged(cs, 'RegisterTaskDefinition').find((c) => c.job === 'c')!;
  const reason = 'ClientException: Too many concurrent attempts to create a new revision of the specified family.';
  let sent = 1;
  for (let at = T0 + 10; ; at += 120_000) {
    [s, cs] = more(s, [failed(register, 'retryable', reason, at), { _tag: 'Tick', at: at + 60_000 }]);
    if (tagged(cs, 'RegisterTaskDefinition').length === 0) break;
    sent++;
  }
  assert.is(sent, 1 + commandRetryLimit.retryable);
  assert.is(jobOf(s, 'c').status, 'FAILED');
  assert.is(jobOf(s, 'c').reason, `its task definition was rejected: RegisterTaskDefinition failed (failed 11 times): ${reason}`);
  assert.is(retriesView(s)[0]!.gaveUp, true);
});

F('a permanent failure (access denied) fails the job at once, with AWS\'s message', () => {
  const [s0, cs0] = started();
  const register = tagged(cs0, 'RegisterTaskDefinition').find((c) => c.job === 'c')!;
  const reason = 'AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hyperp-stepper/x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/own';
  const [s1, cs1] = reduce(s0, failed(register, 'permanent', reason, T0 + 10));
  assert.is(jobOf(s1, 'c').status, 'FAILED');
  assert.is(jobOf(s1, 'c').reason, `its task definition was rejected: RegisterTaskDefinition failed: ${reason}`);
  assert.equal(tagged(cs1, 'RegisterTaskDefinition'), []);
});

F('folders that cannot be made after the unknown error\'s three retries fail the run; the run ends', () => {
  let [s, cs] = started();
  const dirs = tagged(cs, 'EnsureDirectories')[0]!;
  let sent = 1;
  for (let at = T0 + 10; ; at += 120_000) {
    [s, cs] = more(s, [failed(dirs, 'unknown', 'Error: socket hang up', at), { _tag: 'Tick', at: at + 60_000 }]);
    if (tagged(cs, 'EnsureDirectories').length === 0) break;
    sent++;
  }
  assert.is(sent, 1 + commandRetryLimit.unknown);
  assert.is(s.failure, "the run's artifact folders could not be made: EnsureDirectories failed (failed 4 times): Error: socket hang up");
  assert.equal(['a', 'b', 'c'].map((j) => jobOf(s, j).status), ['SKIPPED', 'SKIPPED', 'SKIPPED']);
});

F('a launch that errors is sent again with the same clientToken; given up, its attempt fails and what it may have started is stopped', () => {
  // c's image exists: register, folders, then its one task launches.
  let [s, cs] = started();
  [s, cs] = more(s, [{ _tag: 'DirectoriesEnsured', at: T0 + 1 }, { _tag: 'TaskDefinitionRegistered', at: T0 + 2, job: 'c', taskDefinitionArn: 'arn:td/c:1' }]);
  const launch = tagged(cs, 'RunTask')[0]!;
  assert.is(launch.startedBy, keys('c', 1, 1).startedBy);
  let sent = 1;
  let at = T0 + 10;
  for (;; at += 120_000) {
    [s, cs] = more(s, [failed(launch, 'unknown', 'TimeoutError: socket timed out', at), { _tag: 'Tick', at: at + 60_000 }]);
    const again = tagged(cs, 'RunTask');
    if (again.length === 0) break;
    assert.equal(again, [launch]);
    sent++;
  }
  assert.is(sent, 4);
  const a = attemptOf(s, 'c', 1, 1);
  assert.is(a.outcome, 'FAILED');
  assert.is(a.reason, 'the task could not be launched (after 4 tries): TimeoutError: socket timed out');
  assert.equal(tagged(cs, 'StopTask').map((c) => [c.startedBy, c.taskArn]), [[launch.startedBy, null]]);
});

F('cancel while every stop fails for good: the run still ends CANCELLED', () => {
  let [s, cs] = started();
  [s, cs] = more(s, [{ _tag: 'DirectoriesEnsured', at: T0 + 1 }, { _tag: 'TaskDefinitionRegistered', at: T0 + 2, job: 'c', taskDefinitionArn: 'arn:td/c:1' }]);
  const launch = tagged(cs, 'RunTask')[0]!;
  [s] = more(s, [
    { _tag: 'TaskLaunchAccepted', at: T0 + 3, startedBy: launch.startedBy, taskArn: 'arn:task/c1' },
    { _tag: 'TaskLaunchAccepted', at: T0 + 3, startedBy: buildKeys('a').startedBy, taskArn: 'arn:task/ba' },
    { _tag: 'TaskLaunchAccepted', at: T0 + 3, startedBy: buildKeys('b').startedBy, taskArn: 'arn:task/bb' },
  ]);
  [s, cs] = reduce(s, { _tag: 'CancelRequested', at: T0 + 4, reason: 'stop it', by: null });
  const stops = tagged(cs, 'StopTask');
  assert.is(stops.length, 3);
  for (const stop of stops) [s] = reduce(s, failed(stop, 'permanent', 'AccessDeniedException: not authorized to perform: ecs:StopTask', T0 + 5));
  assert.is(s.status, 'CANCELLED');
  assert.match(attemptOf(s, 'c', 1, 1).reason ?? '', /the task could not be stopped: StopTask failed: AccessDeniedException/);
});

F('launches refused for capacity are retried a bounded number of times, then the attempt fails', () => {
  let [s, cs] = started();
  [s, cs] = more(s, [{ _tag: 'DirectoriesEnsured', at: T0 + 1 }, { _tag: 'TaskDefinitionRegistered', at: T0 + 2, job: 'c', taskDefinitionArn: 'arn:td/c:1' }]);
  const launch = tagged(cs, 'RunTask')[0]!;
  let sent = 1;
  for (let at = T0 + 10; ; at += 120_000) {
    [s, cs] = more(s, [
      { _tag: 'TaskLaunchRejected', at, startedBy: launch.startedBy, reason: 'RESOURCE:FARGATE', retryable: true },
      { _tag: 'Tick', at: at + 60_000 },
    ]);
    if (tagged(cs, 'RunTask').length === 0) break;
    sent++;
  }
  assert.is(sent, 11);
  assert.is(attemptOf(s, 'c', 1, 1).reason, 'the task could not be launched (after 11 tries): RESOURCE:FARGATE');
  // Refused by ECS's answer: nothing was started, nothing to stop.
  assert.equal(tagged(cs, 'StopTask'), []);
});

F('a failed courtesy (commit status, wake-up) is only recorded', () => {
  const [s0] = started();
  const [s1, cs1] = reduce(s0, failed({ _tag: 'ScheduleWakeup', runId: 'run-1', at: T0 + 5000 }, 'retryable', 'ThrottlingException', T0 + 10));
  assert.equal(cs1, []);
  assert.is(s1.diagnostics.byCode.CommandFailed, 1);
  assert.is(s1.commandRetries, undefined);
});

F.run();
