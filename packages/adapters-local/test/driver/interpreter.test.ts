import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent, RunTask, TaskDefinition } from '@hyperp/core';
import { interpreter } from '../../src/driver/interpreter.js';
import { localLayout, taskDefinitionFile } from '../../src/layout.js';
import type { Engine, TaskExit, TaskLaunch } from '../../src/engine/types.js';
import { tempDir } from '../temp.js';

/** An engine whose tasks end when the test says so. */
const fakeEngine = () => {
  const launched: TaskLaunch[] = [];
  const finish = new Map<string, (exit: TaskExit) => void>();
  const stopped: string[] = [];
  const engine: Engine = {
    name: 'process',
    build: async () => ({ _tag: 'Built', imageRef: 'k', notes: [], skippedRuns: 0 }),
    run: (task) => {
      launched.push(task);
      return {
        done: new Promise<TaskExit>((r) => finish.set(task.attemptKey, r)),
        stop: (reason) => {
          stopped.push(`${task.attemptKey}: ${reason}`);
          finish.get(task.attemptKey)!({ containers: [{ name: 'main', exitCode: 143, reason }], stopCode: 'UserInitiated', stoppedReason: reason, startedAt: 1, stoppedAt: 2 });
        },
      };
    },
  };
  return { engine, launched, finish, stopped };
};

const setup = (parallel: number, stopPending?: (cmd: RunTask) => string | undefined) => {
  const layout = localLayout(tempDir('hyperp-int-'));
  const events: RunEvent[] = [];
  const fake = fakeEngine();
  const interp = interpreter({
    layout, runId: 'r1', engine: fake.engine, parallel, network: false, repository: 'hyperp-local',
    source: { context: () => ({ error: 'no builds here' }) },
    emit: async (e) => void events.push(...e),
    now: () => 1000, note: () => undefined, recordImage: () => undefined,
    ...(stopPending ? { stopPending } : {}),
  });
  return { layout, events, interp, ...fake };
};

const td: TaskDefinition = { cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', image: 'hyperp-local:k' }] };
const runTask = (index: number): RunTask => ({
  _tag: 'RunTask', runId: 'r1', job: 'j', index, attempt: 1, attemptKey: `r1/j/${index}/1`, clientToken: `tok${index}`.padEnd(64, '0'),
  startedBy: `sb${index}`, taskDefinitionArn: 'local:task-definition/fam:1', overrides: { containerOverrides: [] }, tags: [],
});
const tags = (events: readonly RunEvent[]) => events.map((e) => ('lastStatus' in e ? `${e._tag}:${e.lastStatus}` : e._tag));
const flush = () => new Promise((r) => setTimeout(r, 20));

const it = suite('interpreter');

it('registers task definitions as files and answers with a local ARN', async () => {
  const s = setup(2);
  s.interp.carryOut({ _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'j', family: 'fam', taskDefinition: td as never, tags: [] });
  await s.interp.idle();
  assert.equal(JSON.parse(readFileSync(taskDefinitionFile(s.layout, 'r1', 'fam'), 'utf8')), td);
  assert.equal(s.events, [{ _tag: 'TaskDefinitionRegistered', at: 1000, job: 'j', taskDefinitionArn: 'local:task-definition/fam:1' }]);
});

it('a repeated RunTask starts one task; --parallel queues the rest; a queued task is stopped without starting', async () => {
  const s = setup(1);
  s.interp.carryOut({ _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'j', family: 'fam', taskDefinition: td as never, tags: [] });
  await s.interp.idle();
  s.events.length = 0;
  s.interp.carryOut(runTask(1));
  s.interp.carryOut(runTask(1));
  s.interp.carryOut(runTask(2));
  await flush();
  assert.equal(s.launched.map((l) => l.attemptKey), ['r1/j/1/1']);
  assert.equal(tags(s.events), ['TaskLaunchAccepted', 'TaskStateObserved:RUNNING']);
  // task 2 waits for the slot: stopping it reports STOPPED and never runs it
  s.interp.carryOut({ _tag: 'StopTask', runId: 'r1', attemptKey: 'r1/j/2/1', startedBy: 'sb2', taskArn: null, reason: 'job failed' });
  await flush();
  assert.equal(tags(s.events), ['TaskLaunchAccepted', 'TaskStateObserved:RUNNING', 'TaskStateObserved:STOPPED']);
  assert.is((s.events[2] as { startedBy: string }).startedBy, 'sb2');
  s.finish.get('r1/j/1/1')!({ containers: [{ name: 'main', exitCode: 0, reason: null }], stopCode: 'EssentialContainerExited', stoppedReason: 'done', startedAt: 1, stoppedAt: 2 });
  await s.interp.idle();
  assert.equal(s.launched.map((l) => l.attemptKey), ['r1/j/1/1']);
  const last = s.events.at(-1) as { lastStatus: string; containers: unknown; startedBy: string };
  assert.equal([last.lastStatus, last.containers, last.startedBy], ['STOPPED', [{ name: 'main', exitCode: 0, reason: null }], 'sb1']);
  assert.is(s.interp.busy(), 0);
});

it('a launch whose stop was asked for while it waited for a slot is reported stopped, not started', async () => {
  const pending = new Set<string>();
  const s = setup(1, (cmd) => (pending.has(cmd.attemptKey) ? 'cancelled: enough' : undefined));
  s.interp.carryOut({ _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'j', family: 'fam', taskDefinition: td as never, tags: [] });
  await s.interp.idle();
  s.events.length = 0;
  s.interp.carryOut(runTask(1));
  s.interp.carryOut(runTask(2));
  await flush();
  pending.add('r1/j/2/1');
  s.finish.get('r1/j/1/1')!({ containers: [{ name: 'main', exitCode: 0, reason: null }], stopCode: 'EssentialContainerExited', stoppedReason: 'done', startedAt: 1, stoppedAt: 2 });
  await s.interp.idle();
  assert.equal(s.launched.map((l) => l.attemptKey), ['r1/j/1/1']);
  assert.equal(s.events.at(-1), {
    _tag: 'TaskStateObserved', at: 1000, startedBy: 'sb2', taskArn: 'local:task/never-started', lastStatus: 'STOPPED', containers: [],
    stopCode: 'UserInitiated', stoppedReason: 'cancelled: enough', pullStartedAt: null, startedAt: null, stoppedAt: 1000,
    cpu: null, memory: null, arch: 'x86_64', ephemeralStorageGiB: 20,
  });
});

it('StopTask of a running task stops it through the engine', async () => {
  const s = setup(2);
  s.interp.carryOut({ _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'j', family: 'fam', taskDefinition: td as never, tags: [] });
  await s.interp.idle();
  s.interp.carryOut(runTask(1));
  await flush();
  s.interp.carryOut({ _tag: 'StopTask', runId: 'r1', attemptKey: 'r1/j/1/1', startedBy: 'sb1', taskArn: 'x', reason: 'timeout' });
  await s.interp.idle();
  assert.equal(s.stopped, ['r1/j/1/1: timeout']);
});

it('a wake-up becomes a Tick at its time; a failed build context is a failed build', async () => {
  const s = setup(1);
  s.interp.carryOut({ _tag: 'ScheduleWakeup', runId: 'r1', at: 1000 });
  s.interp.carryOut({ _tag: 'ScheduleWakeup', runId: 'r1', at: 1000 });
  assert.is(s.interp.timers(), 1);
  await flush();
  await s.interp.idle();
  assert.equal(s.events, [{ _tag: 'Tick', at: 1000 }]);
  s.events.length = 0;
  s.interp.carryOut({
    _tag: 'BuildImage', runId: 'r1', key: 'k', job: 'j', container: 'main', commit: 'c', dockerfilePath: 'j/Dockerfile', context: 'j',
    imageUri: 'hyperp-local:k', cpu: 1024, memory: 2048, attemptKey: 'r1/build:k/1', clientToken: 't', startedBy: 's', tags: [],
  });
  await s.interp.idle();
  assert.equal(s.events, [
    { _tag: 'ImageBuildStarted', at: 1000, key: 'k', taskArn: null },
    { _tag: 'ImageBuildFailed', at: 1000, key: 'k', reason: 'no builds here', usage: null },
  ]);
});

it('a stop asked for a build aborts it; the build then fails with the reason', async () => {
  const layout = localLayout(tempDir('hyperp-int-'));
  const events: RunEvent[] = [];
  const engine: Engine = {
    name: 'docker',
    build: (req) => new Promise((resolve) => req.signal!.addEventListener('abort', () => resolve({ _tag: 'BuildFailed', reason: `stopped: ${String(req.signal!.reason)}` }))),
    run: () => { throw new Error('no tasks'); },
  };
  const interp = interpreter({
    layout, runId: 'r1', engine, parallel: 1, network: false, repository: 'hyperp-local',
    source: { context: () => ({ dockerfile: 'FROM x\n', files: { files: [], read: () => Buffer.alloc(0), mode: () => 0o644 } }) },
    emit: async (e) => void events.push(...e), now: () => 5, note: () => undefined, recordImage: () => undefined,
  });
  interp.carryOut({
    _tag: 'BuildImage', runId: 'r1', key: 'k1', job: 'j', container: 'main', commit: 'c', dockerfilePath: 'j/Dockerfile', context: 'j',
    imageUri: 'hyperp-local:k1', cpu: 1024, memory: 2048, attemptKey: 'r1/build:k1/1', clientToken: 't', startedBy: 's', tags: [],
  });
  await flush();
  interp.carryOut({ _tag: 'StopTask', runId: 'r1', attemptKey: 'r1/build:k1/1', startedBy: 's', taskArn: null, reason: 'the build timed out' });
  await interp.idle();
  assert.equal(events, [
    { _tag: 'ImageBuildStarted', at: 5, key: 'k1', taskArn: null },
    { _tag: 'ImageBuildFailed', at: 5, key: 'k1', reason: 'stopped: the build timed out', usage: null },
  ]);
});

it('a stop carried out as the build reports started (the driver folds at once) stops it before the engine builds', async () => {
  const layout = localLayout(tempDir('hyperp-int-'));
  const events: RunEvent[] = [];
  const built: string[] = [];
  const engine: Engine = {
    name: 'docker',
    build: async (req) => (built.push(req.key), { _tag: 'Built', imageRef: req.key, notes: [], skippedRuns: 0 }),
    run: () => { throw new Error('no tasks'); },
  };
  const stop = { _tag: 'StopTask', runId: 'r1', attemptKey: 'r1/build:k1/1', startedBy: 's', taskArn: null, reason: 'cancelled: by the user' } as const;
  const interp = interpreter({
    layout, runId: 'r1', engine, parallel: 1, network: false, repository: 'hyperp-local',
    source: { context: () => ({ dockerfile: 'FROM x\n', files: { files: [], read: () => Buffer.alloc(0), mode: () => 0o644 } }) },
    // The reducer sends a held stop in answer to ImageBuildStarted; the driver carries it out before the append returns.
    emit: async (e) => {
      events.push(...e);
      if (e.some((x) => x._tag === 'ImageBuildStarted')) interp.carryOut(stop);
    },
    now: () => 5, note: () => undefined, recordImage: () => undefined,
  });
  interp.carryOut({
    _tag: 'BuildImage', runId: 'r1', key: 'k1', job: 'j', container: 'main', commit: 'c', dockerfilePath: 'j/Dockerfile', context: 'j',
    imageUri: 'hyperp-local:k1', cpu: 1024, memory: 2048, attemptKey: 'r1/build:k1/1', clientToken: 't', startedBy: 's', tags: [],
  });
  await interp.idle();
  assert.equal([events, built], [[
    { _tag: 'ImageBuildStarted', at: 5, key: 'k1', taskArn: null },
    { _tag: 'ImageBuildFailed', at: 5, key: 'k1', reason: 'the build was stopped before it began: cancelled: by the user', usage: null },
  ], []]);
});

it('a stop for a build this process never started (a resumed run) reports the build failed, once', async () => {
  const s = setup(1);
  const stop = { _tag: 'StopTask', runId: 'r1', attemptKey: 'r1/build:k%2F1/1', startedBy: 's', taskArn: null, reason: 'cancelled: by the user' } as const;
  s.interp.carryOut(stop);
  s.interp.carryOut(stop);
  await s.interp.idle();
  assert.equal(s.events, [{ _tag: 'ImageBuildFailed', at: 1000, key: 'k/1', reason: 'the build was stopped before it began: cancelled: by the user', usage: null }]);
});

it('an exception while building or launching is the build\'s or the launch\'s failure, not a silent hang', async () => {
  const layout = localLayout(tempDir('hyperp-int-'));
  const events: RunEvent[] = [];
  const engine: Engine = {
    name: 'process',
    build: async () => { throw new Error('ENOENT: no such file or directory, open \'/repo/j/main.py\''); },
    run: () => { throw new Error('no tasks'); },
  };
  const interp = interpreter({
    layout, runId: 'r1', engine, parallel: 1, network: false, repository: 'hyperp-local',
    source: { context: () => ({ dockerfile: 'FROM x\n', files: { files: [], read: () => Buffer.alloc(0), mode: () => 0o644 } }) },
    emit: async (e) => void events.push(...e), now: () => 5, note: () => undefined, recordImage: () => undefined,
  });
  interp.carryOut({
    _tag: 'BuildImage', runId: 'r1', key: 'k1', job: 'j', container: 'main', commit: 'c', dockerfilePath: 'j/Dockerfile', context: 'j',
    imageUri: 'hyperp-local:k1', cpu: 1024, memory: 2048, attemptKey: 'r1/build:k1/1', clientToken: 't', startedBy: 's', tags: [],
  });
  // a task definition file that a resumed run finds corrupt
  mkdirSync(dirname(taskDefinitionFile(layout, 'r1', 'fam')), { recursive: true });
  writeFileSync(taskDefinitionFile(layout, 'r1', 'fam'), '{"containerDefinitions": [');
  interp.carryOut(runTask(1));
  await interp.idle();
  const reasons = events.map((e) => [e._tag, 'reason' in e ? e.reason : null, 'retryable' in e ? e.retryable : null] as const);
  assert.equal(reasons.slice(0, 2), [
    ['ImageBuildStarted', null, null],
    ['ImageBuildFailed', 'hyperp could not build the image: ENOENT: no such file or directory, open \'/repo/j/main.py\'', null],
  ]);
  assert.equal([reasons.length, reasons[2]![0], reasons[2]![2]], [3, 'TaskLaunchRejected', false]);
  // the rest of the message is Node's JSON error
  assert.ok(reasons[2]![1]!.startsWith(`hyperp could not start the task: task definition ${taskDefinitionFile(layout, 'r1', 'fam')} is not valid JSON: `), reasons[2]![1]!);
});

it.run();
