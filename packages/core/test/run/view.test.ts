import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { taskLaunchAccepted, taskRunning, taskStopped } from '../../src/run/constructors.js';
import type { RunEvent } from '../../src/run/events.js';
import { jobArtifactPath } from '../../src/names/artifacts.js';
import { imageUri } from '../../src/names/images.js';
import { initialState, type RunState } from '../../src/run/state.js';
import { runCostBasis, runCostView, runSummaryView, runView, viewUsd, type ViewPlaces } from '../../src/run/view.js';
import { syntheticImageKey } from '../../src/sim/workflow.js';
import { arnOf, keys, request, RUN, stateAfter, T0, taskArn, withJob, withTask } from './support.js';

const r = request();
const built = (name: string, at: number): RunEvent => ({
  _tag: 'ImageBuildSucceeded', at, key: syntheticImageKey(name), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey(name)), usage: null,
});
const registered = (job: string, at: number): RunEvent => ({ _tag: 'TaskDefinitionRegistered', at, job, taskDefinitionArn: arnOf(job) });
const sb = (job: string, index: number, attempt: number): string => keys(job, index, attempt).startedBy;

/**
 * a succeeded (30 s); b's task 1 failed with exit 3 and waits to be retried while its task 2
 * runs; c's launch is not yet accepted.
 */
const midRun: RunState = stateAfter([
  r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, built('a', T0 + 10), registered('a', T0 + 11),
  taskLaunchAccepted(T0 + 12, sb('a', 1, 1), taskArn(1)),
  taskRunning(T0 + 1000, sb('a', 1, 1), taskArn(1), ['main']),
  taskStopped(T0 + 31_000, sb('a', 1, 1), taskArn(1), { main: 0 }, { pullStartedAt: T0 + 500 }),
  built('b', T0 + 31_001), registered('b', T0 + 31_002), registered('c', T0 + 31_003),
  taskLaunchAccepted(T0 + 31_010, sb('b', 1, 1), taskArn(2)),
  taskLaunchAccepted(T0 + 31_011, sb('b', 2, 1), taskArn(3)),
  taskRunning(T0 + 32_000, sb('b', 1, 1), taskArn(2), ['main']),
  taskRunning(T0 + 32_500, sb('b', 2, 1), taskArn(3), ['main']),
  taskStopped(T0 + 34_500, sb('b', 1, 1), taskArn(2), { main: 3 }, { pullStartedAt: T0 + 31_500 }),
]);

const places: ViewPlaces = {
  outputDir: (path, job) => `/efs/${path}#${job}`,
  logFile: (job, index, a) => (a.taskArn === null ? null : `${job}/${index}/${a.attempt}@${a.taskArn.split('/').pop()}`),
};
const scope = { commit: r.commit, runId: RUN, workflow: 'small' };
// A 0.25 vCPU / 0.5 GB x86 task billed Fargate's one-minute minimum at us-east-1 on-demand prices.
const minute = viewUsd(60 * (0.25 * 0.04048 + 0.5 * 0.004445) / 3600);

const View = suite('runView');

View('a run in flight: every attempt with its status, exit code, duration, cost and places', () => {
  assert.equal(runView(midRun, places), {
    runId: RUN,
    workflow: 'small',
    commit: r.commit,
    status: 'RUNNING',
    costUsd: viewUsd(2 * minute),
    jobs: [
      {
        name: 'a', status: 'SUCCEEDED', attempts: 1, outputDir: `/efs/${jobArtifactPath(scope, 'a')}#a`, costUsd: minute,
        tasks: [{ index: 1, attempt: 1, status: 'SUCCEEDED', exitCode: 0, durationSeconds: 30, costUsd: minute, logFile: 'a/1/1@1' }],
      },
      {
        name: 'b', status: 'RUNNING', attempts: 3, outputDir: `/efs/${jobArtifactPath(scope, 'b')}#b`, costUsd: minute,
        tasks: [
          { index: 1, attempt: 1, status: 'FAILED', exitCode: 3, durationSeconds: 2.5, costUsd: minute, logFile: 'b/1/1@2' },
          { index: 1, attempt: 2, status: 'BACKOFF', exitCode: null, durationSeconds: null, costUsd: 0, logFile: null },
          { index: 2, attempt: 1, status: 'RUNNING', exitCode: null, durationSeconds: null, costUsd: 0, logFile: 'b/2/1@3' },
        ],
      },
      {
        name: 'c', status: 'RUNNING', attempts: 1, outputDir: `/efs/${jobArtifactPath(scope, 'c')}#c`, costUsd: 0,
        tasks: [{ index: 1, attempt: 1, status: 'LAUNCHING', exitCode: null, durationSeconds: null, costUsd: 0, logFile: null }],
      },
    ],
    retries: [],
  });
});

View('a reused job points at the earlier run\'s output; the essential container\'s exit code wins', () => {
  const s = withTask(
    withJob(midRun, 'a', (j) => ({ ...j, outputRunId: 'run-0' })),
    'a', 1, (t) => ({ ...t, attempts: [{ ...t.attempts[0]!, exitCodes: { sidecar: 9, main: 0 } }] }),
  );
  const a = runView(s, places).jobs[0]!;
  assert.equal([a.outputDir, a.tasks[0]!.exitCode], [`/efs/${jobArtifactPath({ ...scope, runId: 'run-0' }, 'a')}#a`, 0]);
  const noEssential = withTask(s, 'a', 1, (t) => ({ ...t, attempts: [{ ...t.attempts[0]!, exitCodes: { sidecar: 9, main: null } }] }));
  assert.is(runView(noEssential, places).jobs[0]!.tasks[0]!.exitCode, 9);
});

View('a state before its request is an empty run', () => {
  assert.equal(runView(initialState(), places), { runId: '', workflow: '', commit: '', status: 'PENDING', costUsd: 0, jobs: [], retries: [] });
});

const Cost = suite('runCostView');

Cost('the cost report is the view\'s figures with the state\'s basis', () => {
  const basis = runCostBasis(midRun);
  assert.equal(basis, {
    region: 'us-east-1', spot: false, final: false, tasksUsd: viewUsd(2 * minute), buildsUsd: 0, vcpuSeconds: 30, gbSeconds: 60,
  });
  assert.equal(runCostView(runView(midRun, places), basis), {
    runId: RUN, region: 'us-east-1', spot: false, final: false, totalUsd: viewUsd(2 * minute), tasksUsd: viewUsd(2 * minute),
    buildsUsd: 0, vcpuSeconds: 30, gbSeconds: 60,
    jobs: [
      { name: 'a', costUsd: minute, tasks: [{ index: 1, attempt: 1, durationSeconds: 30, costUsd: minute }] },
      {
        name: 'b', costUsd: minute,
        tasks: [
          { index: 1, attempt: 1, durationSeconds: 2.5, costUsd: minute },
          { index: 1, attempt: 2, durationSeconds: null, costUsd: 0 },
          { index: 2, attempt: 1, durationSeconds: null, costUsd: 0 },
        ],
      },
      { name: 'c', costUsd: 0, tasks: [{ index: 1, attempt: 1, durationSeconds: null, costUsd: 0 }] },
    ],
  });
});

const Summary = suite('runSummaryView');

Summary('a listing line: the run, its status, cost and times', () => {
  assert.equal(runSummaryView(midRun), {
    runId: RUN, workflow: 'small', commit: r.commit, status: 'RUNNING', costUsd: viewUsd(2 * minute), requestedAt: T0, finishedAt: null,
  });
});

View.run();
Cost.run();
Summary.run();
