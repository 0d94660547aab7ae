import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { imageUri } from '../../src/names/images.js';
import type { ImageRecord, RunState, Timer } from '../../src/run/state.js';
import { heapEmpty, heapPush } from '../../src/run/heap.js';
import { timerOrder } from '../../src/run/timers.js';
import { vecGet, vecSet } from '../../src/run/vector.js';
import { syntheticImageKey } from '../../src/sim/workflow.js';
import { storedImageOf } from '../../src/plan/image-store.js';
import type { RunRequested } from '../../src/run/events.js';
import { buildKeys, registerCommand, request, RUN, smallWorkflow, stateAfter, step, T0, withJob } from './support.js';

const ImageBuild = suite('onImageBuild*');
const r = request();
const KEY_A = syntheticImageKey('a');
const URI_A = imageUri(r.settings.render.imageRepository, KEY_A);
/** a's build ended, so its deadline is dropped; b's build deadline remains. */
const onlyBuildDeadlineOfB = heapPush(heapEmpty<Timer>(), { at: T0 + 3_600_000, kind: 'deadline', ref: { kind: 'build', image: 1 } }, timerOrder);
const withImage = (s: RunState, i: number, f: (x: ImageRecord) => ImageRecord): RunState => ({ ...s, images: vecSet(s.images, i, f(vecGet(s.images, i)!)) });

ImageBuild('a built image is recorded, costs, and unblocks its job, which registers', () => {
  const s0 = stateAfter([r]);
  const usage = { cpu: 1024, memory: 2048, arch: 'x86_64' as const, ephemeralStorageGiB: 20, pullStartedAt: T0, stoppedAt: T0 + 120_000 };
  const [s1, commands] = step(s0, { _tag: 'ImageBuildSucceeded', at: T0 + 120_000, key: KEY_A, imageUri: URI_A, usage });
  // 120 s of 1 vCPU and 2 GB, us-east-1 x86 on-demand, each part rounded to a nanodollar: 1,349,333 + 296,333 nano-USD.
  const usd = 0.001645666;
  const expected: RunState = {
    ...withImage(withJob(s0, 'a', (j) => ({ ...j, imagesWaiting: 0, status: 'READY', registration: 'REGISTERING' })), 0,
      (x) => ({ ...x, status: 'BUILT', finishedAt: T0 + 120_000, costUsd: usd })),
    now: T0 + 120_000,
    jobCounts: { ...s0.jobCounts, BUILDING: 1, READY: 2 },
    inFlight: { tasks: 0, builds: 1, downloads: 0 },
    cost: { tasksUsd: 0, buildsUsd: usd, totalUsd: usd, vcpuSeconds: 120, gbSeconds: 240 },
    timers: onlyBuildDeadlineOfB,
  };
  assert.equal(s1, expected);
  assert.equal(commands, [
    {
      _tag: 'RecordImage', runId: RUN, key: KEY_A, imageUri: URI_A, workflow: r.workflow.name, job: 'a', container: 'main',
      dockerfilePath: 'jobs/a/Dockerfile', commit: r.commit, builtAt: T0 + 120_000, files: null,
    },
    registerCommand(r, smallWorkflow, 'a'),
  ]);
  assert.equal(step(s1, { _tag: 'ImageBuildSucceeded', at: T0 + 120_000, key: KEY_A, imageUri: URI_A, usage }), [s1, []], 'a duplicate changes nothing');
});

// An adapter completes the image store's record from the command alone: the files of the key
// come from the plan inside the request, not from reading the repository again.
ImageBuild('the image record carries what the next plan reads: workflow, Dockerfile path and the files of the key', () => {
  const files = [{ path: 'jobs/a/Dockerfile', blob: 'b'.repeat(40) }, { path: 'jobs/a/main.py', blob: 'c'.repeat(40) }];
  const withFiles: RunRequested = {
    ...r,
    plan: { ...r.plan, jobs: r.plan.jobs.map((j) => ({ ...j, images: j.images.map((i) => (i.key === KEY_A ? { ...i, files } : i)) })) },
  };
  const usage = null;
  const [, commands] = step(stateAfter([withFiles]), { _tag: 'ImageBuildSucceeded', at: T0 + 60_000, key: KEY_A, imageUri: URI_A, usage });
  const record = commands.find((c) => c._tag === 'RecordImage');
  assert.ok(record?._tag === 'RecordImage');
  assert.equal(storedImageOf(record, 'docker'), {
    key: KEY_A, builtAt: T0 + 60_000, workflow: r.workflow.name, job: 'a', container: 'main', dockerfilePath: 'jobs/a/Dockerfile', files, engine: 'docker',
  });
});

ImageBuild('a failed build fails its job and skips the dependents; the independent job goes on', () => {
  const s0 = stateAfter([r]);
  const [s1, commands] = step(s0, { _tag: 'ImageBuildFailed', at: T0 + 5000, key: KEY_A, reason: 'RUN pip install failed', usage: null });
  const reason = 'the image of container "main" (jobs/a/Dockerfile) failed to build: RUN pip install failed';
  assert.equal(s1, {
    ...withImage(
      withJob(withJob(s0, 'a', (j) => ({ ...j, status: 'FAILED', reason, finishedAt: T0 + 5000 })), 'b',
        (j) => ({ ...j, status: 'SKIPPED', reason: 'upstream job "a" failed', finishedAt: T0 + 5000 })),
      0, (x) => ({ ...x, status: 'FAILED', reason: 'RUN pip install failed', finishedAt: T0 + 5000 })),
    now: T0 + 5000,
    jobCounts: { ...s0.jobCounts, BUILDING: 0, FAILED: 1, SKIPPED: 1 },
    inFlight: { tasks: 0, builds: 1, downloads: 0 },
    failure: `job "a" failed: ${reason}`,
    timers: onlyBuildDeadlineOfB,
  });
  assert.equal(commands, []);
});

ImageBuild('an image nobody in this run asked for is counted as a diagnostic', () => {
  const s0 = stateAfter([r]);
  const [s1, commands] = step(s0, { _tag: 'ImageBuildStarted', at: T0 + 1, key: 'f'.repeat(64), taskArn: null });
  assert.equal([s1.diagnostics.byCode, s1.diagnostics.recent.map((d) => d.detail), commands], [{ UnknownImage: 1 }, [`no image ${'f'.repeat(64)} in this run`], []]);
});

ImageBuild('a builder task (kaniko on Fargate) ends its build through its own task events', () => {
  const s0 = stateAfter([r]);
  const sb = buildKeys('a').startedBy;
  const [s1] = step(s0, { _tag: 'TaskLaunchAccepted', at: T0 + 10, startedBy: sb, taskArn: 'arn:task/build-a' });
  assert.equal(vecGet(s1.images, 0), { ...vecGet(s0.images, 0)!, reportedStarted: true, taskArn: 'arn:task/build-a' });
  const [s2, commands] = step(s1, {
    _tag: 'TaskStateObserved', at: T0 + 60_000, startedBy: sb, taskArn: 'arn:task/build-a', lastStatus: 'STOPPED',
    containers: [{ name: 'kaniko', exitCode: 0, reason: null }], stopCode: 'EssentialContainerExited', stoppedReason: null,
    pullStartedAt: T0 + 100, startedAt: T0 + 2000, stoppedAt: T0 + 60_000, cpu: 1024, memory: 2048, arch: 'x86_64', ephemeralStorageGiB: 20,
  });
  assert.equal(vecGet(s2.images, 0)!.status, 'BUILT');
  assert.equal(commands.map((c) => c._tag), ['RecordImage', 'RegisterTaskDefinition']);
  assert.equal(RUN, s2.runId);
});

ImageBuild('a build still running at its deadline is stopped and fails its jobs', () => {
  const s0 = stateAfter([r, { _tag: 'ImageBuildStarted', at: T0 + 5, key: KEY_A, taskArn: 'arn:task/build-a' }]);
  const [s1, commands] = step(s0, { _tag: 'Tick', at: T0 + 3_600_000 });
  const reason = 'the build timed out after 3600 s';
  assert.equal(commands, [{ _tag: 'StopTask', runId: RUN, ...(({ attemptKey, startedBy }) => ({ attemptKey, startedBy }))(buildKeys('a')), taskArn: 'arn:task/build-a', reason }]);
  assert.equal([vecGet(s1.images, 0)!.status, vecGet(s1.images, 0)!.reason, s1.failure],
    ['FAILED', reason, `job "a" failed: the image of container "main" (jobs/a/Dockerfile) failed to build: ${reason}`]);
});

ImageBuild.run();
