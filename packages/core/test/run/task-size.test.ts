// A STOPPED state that leaves the task's size out is billed on the size hyperp launched the task
// with (the job's task definition, a build's resources), never on a default an adapter did not mean.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { taskLaunchAccepted, taskStopped } from '../../src/run/constructors.js';
import type { RunEvent, RunRequested } from '../../src/run/events.js';
import { runEventShapeProblem } from '../../src/run/event-shape.js';
import { imageUri } from '../../src/names/images.js';
import { syntheticImageKey, syntheticRunRequested } from '../../src/sim/workflow.js';
import { arnOf, attemptOf, buildKeys, keys, RUN, stateAfter, step, T0, taskArn } from './support.js';

const base = syntheticRunRequested({ name: 'big', jobs: [{ name: 'big' }] }, { runId: RUN, at: T0 });
const r: RunRequested = {
  ...base,
  workflow: { ...base.workflow, jobs: base.workflow.jobs.map((j) => ({ ...j, taskDefinition: { ...j.taskDefinition, cpu: '1024', memory: '4096' } })) },
};
const k = keys('big', 1, 1);
const launched = stateAfter([
  r, { _tag: 'DirectoriesEnsured', at: T0 + 1 },
  { _tag: 'ImageBuildSucceeded', at: T0 + 2, key: syntheticImageKey('big'), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey('big')), usage: null },
  { _tag: 'TaskDefinitionRegistered', at: T0 + 3, job: 'big', taskDefinitionArn: arnOf('big') },
  taskLaunchAccepted(T0 + 4, k.startedBy, taskArn(1)),
]);

const it = suite('the size a task is billed on');

it('a STOPPED state without a size is billed on the task definition, 1 vCPU / 4 GiB, not 0.25 vCPU / 512 MiB', () => {
  const stopped = taskStopped(T0 + 120_004, k.startedBy, taskArn(1), { main: 0 }, { pullStartedAt: T0 + 4, startedAt: T0 + 4 });
  assert.equal([stopped.cpu, stopped.memory], [null, null], 'the constructor does not make a size up');
  assert.is(runEventShapeProblem(stopped), undefined);
  const [s] = step(launched, stopped);
  const a = attemptOf(s, 'big', 1, 1);
  assert.equal([a.usage?.cpu, a.usage?.memory], [1024, 4096]);
  // 120 s of 1 vCPU and 4 GiB: the same as the event saying so
  const [told] = step(launched, taskStopped(T0 + 120_004, k.startedBy, taskArn(1), { main: 0 }, { pullStartedAt: T0 + 4, startedAt: T0 + 4, cpu: 1024, memory: 4096 }));
  assert.is(a.costUsd, attemptOf(told, 'big', 1, 1).costUsd);
  assert.equal([s.cost.vcpuSeconds, s.cost.gbSeconds], [120, 480]);
});

it('a size the event gives is what is billed', () => {
  const [s] = step(launched, taskStopped(T0 + 60_004, k.startedBy, taskArn(1), { main: 0 }, { pullStartedAt: T0 + 4, startedAt: T0 + 4, cpu: 2048, memory: 4096 }));
  assert.equal([attemptOf(s, 'big', 1, 1).usage?.cpu, s.cost.vcpuSeconds], [2048, 120]);
});

it('a build that stops without a size is billed on its build resources', () => {
  const b = syntheticRunRequested({ name: 'b', jobs: [{ name: 'b' }] }, { runId: RUN, at: T0 });
  const s0 = stateAfter([b, { _tag: 'ImageBuildStarted', at: T0 + 1, key: syntheticImageKey('b'), taskArn: 'build-1' } as RunEvent]);
  const img = s0.graph!.images[0]!;
  const stop = (size: { cpu?: number; memory?: number }) =>
    step(s0, taskStopped(T0 + 60_001, buildKeys('b').startedBy, 'build-1', { build: 0 }, { pullStartedAt: T0 + 1, startedAt: T0 + 1, ...size }))[0];
  const [silent, told] = [stop({}), stop({ cpu: img.cpu, memory: img.memory })];
  assert.ok(told.cost.buildsUsd > 0);
  assert.equal([silent.cost.buildsUsd, silent.cost.vcpuSeconds], [told.cost.buildsUsd, told.cost.vcpuSeconds]);
});

it.run();
