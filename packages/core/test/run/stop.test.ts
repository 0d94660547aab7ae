import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cancelRequested, taskLaunchAccepted, taskStopped, tick } from '../../src/run/constructors.js';
import type { Command } from '../../src/run/commands.js';
import type { RunEvent } from '../../src/run/events.js';
import { zeroJobCounts } from '../../src/run/state.js';
import { vecToArray } from '../../src/run/vector.js';
import { imageUri } from '../../src/names/images.js';
import { jobArtifactPath } from '../../src/names/artifacts.js';
import { syntheticImageKey, syntheticRunRequested, type SyntheticWorkflow } from '../../src/sim/workflow.js';
import { arnOf, jobOf, keys, RUN, stateAfter, step, T0, taskArn } from './support.js';

const built = (r: ReturnType<typeof syntheticRunRequested>, name: string, at: number): RunEvent => ({
  _tag: 'ImageBuildSucceeded', at, key: syntheticImageKey(name), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey(name)), usage: null,
});
const registered = (job: string, at: number): RunEvent => ({ _tag: 'TaskDefinitionRegistered', at, job, taskDefinitionArn: arnOf(job) });

/** Two independent branches: a → a2 and b (2 tasks); everything launched except a2. */
const wf = (failFast: boolean): SyntheticWorkflow => ({
  name: 'branches', failFast,
  jobs: [{ name: 'a' }, { name: 'a2', dependsOn: ['a'] }, { name: 'b', concurrency: 2 }],
});
const running = (failFast: boolean) => {
  const r = syntheticRunRequested(wf(failFast), { runId: RUN, at: T0 });
  return stateAfter([
    r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, built(r, 'a', T0 + 2), built(r, 'b', T0 + 2), built(r, 'a2', T0 + 2),
    registered('a', T0 + 3), registered('b', T0 + 3), registered('a2', T0 + 3),
    taskLaunchAccepted(T0 + 4, keys('a', 1, 1).startedBy, taskArn(1)),
    taskLaunchAccepted(T0 + 4, keys('b', 1, 1).startedBy, taskArn(2)),
    taskLaunchAccepted(T0 + 4, keys('b', 2, 1).startedBy, taskArn(3)),
  ]);
};
const stopOf = (job: string, index: number, arn: string, reason: string): Command => ({
  _tag: 'StopTask', runId: RUN, ...(({ attemptKey, startedBy }) => ({ attemptKey, startedBy }))(keys(job, index, 1)), taskArn: arn, reason,
});

const Failure = suite('a failed job');

Failure('skips its dependents while the independent job goes on; the run ends FAILED once nothing runs', () => {
  const s0 = running(false);
  const [s1, c1] = step(s0, taskStopped(T0 + 10_000, keys('a', 1, 1).startedBy, taskArn(1), { main: 1 }));
  assert.equal(c1, []);
  assert.equal(vecToArray(s1.jobs).map((j) => [j.name, j.status, j.reason]), [
    ['a', 'FAILED', 'task 1: container "main" exited with code 1'],
    ['a2', 'SKIPPED', 'upstream job "a" failed'],
    ['b', 'RUNNING', null],
  ]);
  const [s2] = step(s1, taskStopped(T0 + 20_000, keys('b', 1, 1).startedBy, taskArn(2), { main: 0 }));
  const [s3, c3] = step(s2, taskStopped(T0 + 21_000, keys('b', 2, 1).startedBy, taskArn(3), { main: 0 }));
  assert.equal([s3.status, s3.finishedAt, jobOf(s3, 'b').status, s3.jobCounts], ['FAILED', T0 + 21_000, 'SUCCEEDED', { ...zeroJobCounts, SUCCEEDED: 1, FAILED: 1, SKIPPED: 1 }]);
  assert.equal(c3, [
    { _tag: 'DeregisterTaskDefinitions', runId: RUN, taskDefinitionArns: [arnOf('a'), arnOf('a2'), arnOf('b')] },
    { _tag: 'SetCommitStatus', runId: RUN, commit: s3.request!.commit, context: 'hyperp/synthetic', state: 'failure', description: 'job "a" failed: task 1: container "main" exited with code 1', targetUrl: null },
  ]);
  assert.equal(step(s3, tick(T0 + 99_000))[1], [], 'a finished run never reopens');
  assert.equal(step(s3, tick(T0 + 99_000))[0].status, 'FAILED');
});

Failure('with failFast, every running task is stopped and the run ends FAILED', () => {
  const s0 = running(true);
  const [s1, c1] = step(s0, taskStopped(T0 + 10_000, keys('a', 1, 1).startedBy, taskArn(1), { main: 1 }));
  const reason = 'failFast: job "a" failed';
  assert.equal(c1, [stopOf('b', 1, taskArn(2), reason), stopOf('b', 2, taskArn(3), reason)]);
  assert.equal(vecToArray(s1.jobs).map((j) => [j.name, j.status]), [['a', 'FAILED'], ['a2', 'SKIPPED'], ['b', 'CANCELLED']]);
  let s = step(s1, taskStopped(T0 + 11_000, keys('b', 1, 1).startedBy, taskArn(2), { main: 143 }, { stopCode: 'UserInitiated' }))[0];
  s = step(s, taskStopped(T0 + 11_000, keys('b', 2, 1).startedBy, taskArn(3), { main: 143 }, { stopCode: 'UserInitiated' }))[0];
  assert.equal([s.status, s.failure], ['FAILED', 'job "a" failed: task 1: container "main" exited with code 1']);
});

const Cancel = suite('onCancelRequested');

Cancel('stops everything; jobs not started are SKIPPED, running ones CANCELLED; the run ends CANCELLED', () => {
  const s0 = running(false);
  const [s1, c1] = step(s0, cancelRequested(T0 + 5000, 'wrong branch', 'ana'));
  const reason = 'cancelled: wrong branch';
  assert.equal(c1, [stopOf('a', 1, taskArn(1), reason), stopOf('b', 1, taskArn(2), reason), stopOf('b', 2, taskArn(3), reason)]);
  assert.equal(vecToArray(s1.jobs).map((j) => [j.name, j.status]), [['a', 'CANCELLED'], ['a2', 'SKIPPED'], ['b', 'CANCELLED']]);
  assert.equal(step(s1, cancelRequested(T0 + 5001, 'again', null)), [{ ...s1, now: T0 + 5001 }, []], 'a second cancel changes nothing but the clock');
  let s = s1;
  for (const [job, index, arn] of [['a', 1, taskArn(1)], ['b', 1, taskArn(2)], ['b', 2, taskArn(3)]] as const) {
    s = step(s, taskStopped(T0 + 6000, keys(job, index, 1).startedBy, arn, { main: 143 }, { stopCode: 'UserInitiated' }))[0];
  }
  assert.equal([s.status, s.cancel], ['CANCELLED', { at: T0 + 5000, reason: 'wrong branch', by: 'ana' }]);
});

Cancel('a task still launching is stopped as soon as its launch is accepted', () => {
  const r = syntheticRunRequested(wf(false), { runId: RUN, at: T0 });
  const s0 = stateAfter([r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, built(r, 'a', T0 + 2), registered('a', T0 + 3)]);
  const [s1, c1] = step(s0, cancelRequested(T0 + 4, 'stop', null));
  assert.equal(c1, []);
  const [, c2] = step(s1, taskLaunchAccepted(T0 + 5, keys('a', 1, 1).startedBy, taskArn(7)));
  assert.equal(c2, [stopOf('a', 1, taskArn(7), 'cancelled: stop')]);
});

Cancel('a running build is stopped once the engine reported it started; queued work is dropped', () => {
  const r = syntheticRunRequested(wf(false), { runId: RUN, at: T0 });
  const s0 = stateAfter([r, { _tag: 'ImageBuildStarted', at: T0 + 1, key: syntheticImageKey('a'), taskArn: null }]);
  const [s1, c1] = step(s0, cancelRequested(T0 + 4, 'stop', null));
  assert.equal(c1.map((c) => (c._tag === 'StopTask' ? [c._tag, c.taskArn, c.reason] : [c._tag])), [['StopTask', null, 'cancelled: stop']]);
  assert.equal(s1.status, 'BUILDING');
  const builds = (['a2', 'b'] as const).map((n): RunEvent => ({ _tag: 'ImageBuildFailed', at: T0 + 5, key: syntheticImageKey(n), reason: 'stopped', usage: null }));
  const [s2, c2] = step(step(step(s1, builds[0]!)[0], builds[1]!)[0], { _tag: 'ImageBuildFailed', at: T0 + 6, key: syntheticImageKey('a'), reason: 'stopped', usage: null });
  assert.equal([s2.status, c2.map((c) => c._tag)], ['CANCELLED', ['SetCommitStatus']]);
});

const Downloadable = suite('downloadable jobs');

Downloadable('a succeeded downloadable job is zipped; the run waits for the zip', () => {
  const w: SyntheticWorkflow = { name: 'zip', jobs: [{ name: 'z', downloadable: true }] };
  const r = syntheticRunRequested(w, { runId: RUN, at: T0 });
  const s0 = stateAfter([r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, built(r, 'z', T0 + 2), registered('z', T0 + 3)]);
  const [s1, c1] = step(s0, taskStopped(T0 + 9000, keys('z', 1, 1).startedBy, taskArn(1), { main: 0 }));
  const scopePath = jobArtifactPath({ commit: r.commit, runId: RUN, workflow: 'zip' }, 'z');
  assert.equal(c1, [{
    _tag: 'CreateDownloadable', runId: RUN, job: 'z', sourcePath: scopePath, bucket: 'hyperp-artifacts',
    objectKey: `hyperp-artifacts/${scopePath}/artifacts.zip`,
  }]);
  assert.equal([s1.status, jobOf(s1, 'z').downloadable], ['RUNNING', { status: 'PENDING', location: null, bytes: null, reason: null }]);
  const ready: RunEvent = { _tag: 'DownloadableReady', at: T0 + 9500, job: 'z', location: 's3://b/k.zip', bytes: 42 };
  const [s2, c2] = step(s1, ready);
  assert.equal([s2.status, jobOf(s2, 'z').downloadable, c2.map((c) => c._tag)], ['SUCCEEDED', { status: 'READY', location: 's3://b/k.zip', bytes: 42, reason: null }, ['DeregisterTaskDefinitions', 'SetCommitStatus']]);
});

Failure.run();
Cancel.run();
Downloadable.run();
