// A crash between the reducer asking for a launch and the launch being carried out, with a stop
// asked for meanwhile (a cancel from another terminal, a failed job): the resumed run must end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initialState, reduce, vecToArray, type Command, type RunEvent, type RunRequested, type RunState } from '@hyperp/core';
import { localLayout, eventsFile, taskDefinitionFile, type LocalLayout } from '../../src/layout.js';
import { driveLocalRun, openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import { appendLog, readLog } from '../../src/store/event-log.js';
import type { Engine } from '../../src/engine/types.js';
import { committedRepo } from '../git-repo.js';

const repo = (timeoutSeconds: number | null): string =>
  committedRepo('hyperp-resume-stop-', {
    'hyperp-workflows/w.yaml': `workflowName: w\nbranches: [main]\njobs:\n  - jobName: work\n    taskDefinitionPath: work/taskdef.json\n    concurrency: 2\n${timeoutSeconds === null ? '' : `    timeoutSeconds: ${timeoutSeconds}\n`}`,
    'work/Dockerfile': 'FROM python:3.12-slim\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n',
    // Leaves a mark if it ever runs: a task launched only to be stopped would show here.
    'work/main.py': 'import os\nopen("/output/ran-" + os.environ["TASK_INDEX"], "w").write("ran")\n',
    'work/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "dockerfilePath": "work/Dockerfile"}]}',
  });

const fold = (layout: LocalLayout, runId: string): { state: RunState; commands: Command[] } => {
  let state = initialState();
  const commands: Command[] = [];
  for (const e of readLog<RunEvent>(eventsFile(layout, runId)).events) {
    const [next, cmds] = reduce(state, e);
    state = next;
    commands.push(...cmds);
  }
  return { state, commands };
};

const prepare = async (layout: LocalLayout): Promise<RunRequested> => {
  const prepared = await prepareRuns({
    repoDir: layout.repoDir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now(),
  });
  if (prepared._tag !== 'Prepared') throw new Error(prepared.message);
  return prepared.requests[0]!;
};

/**
 * Writes the log a driver leaves when it dies right after taking the RunTask commands (queued
 * for a `--parallel` slot) and before any launch was answered: folders made, task definition
 * registered, nothing launched. Returns the RunTask commands the fold asked for.
 */
const crashBeforeLaunch = async (layout: LocalLayout, request: RunRequested): Promise<Command[]> => {
  await openRun(layout, request);
  let at = request.at;
  for (const c of fold(layout, request.runId).commands) {
    if (c._tag === 'EnsureDirectories') await appendLog(eventsFile(layout, request.runId), [{ _tag: 'DirectoriesEnsured', at: ++at }]);
    if (c._tag === 'RegisterTaskDefinition') {
      const file = taskDefinitionFile(layout, request.runId, c.family);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(c.taskDefinition));
      await appendLog(eventsFile(layout, request.runId), [{ _tag: 'TaskDefinitionRegistered', at: ++at, job: c.job, taskDefinitionArn: `local:task-definition/${c.family}:1` }]);
    }
  }
  return fold(layout, request.runId).commands.filter((c) => c._tag === 'RunTask');
};

/** The process engine, counting the tasks and builds it starts. */
const counting = async (layout: LocalLayout): Promise<{ engine: Engine; started: string[] }> => {
  const opened = await openLocalEngine('process', layout);
  if (opened._tag !== 'Engine') throw new Error(opened.message);
  const started: string[] = [];
  const engine: Engine = {
    ...opened.engine,
    build: (r) => (started.push(`build ${r.key}`), opened.engine.build(r)),
    run: (t) => (started.push(t.attemptKey), opened.engine.run(t)),
  };
  return { engine, started };
};

/** A first run builds the image, so the runs under test start with their launches. */
const withBuiltImage = async (timeoutSeconds: number | null): Promise<{ layout: LocalLayout; engine: Engine; started: string[] }> => {
  const layout = localLayout(repo(timeoutSeconds));
  const { engine, started } = await counting(layout);
  const first = await prepare(layout);
  await openRun(layout, first);
  const done = await driveLocalRun({ layout, request: first, engine, parallel: 2, network: false });
  assert.is(done.status, 'SUCCEEDED', done.failure ?? '');
  started.length = 0;
  return { layout, engine, started };
};

const outputs = (layout: LocalLayout): string[] =>
  readdirSync(layout.artifactsDir, { recursive: true }).map(String).filter((p) => /ran-\d$/.test(p));

test('a cancel that came while the launches were unanswered ends the resumed run CANCELLED, starting nothing', async () => {
  const { layout, engine, started } = await withBuiltImage(null);
  const ranBefore = outputs(layout).length;
  const request = await prepare(layout);
  assert.equal(request.plan.jobs.map((j) => j.action), ['reuse']);
  const launches = await crashBeforeLaunch(layout, request);
  assert.is(launches.length, 2);
  // `hyperp cancel` from another terminal while the driver is dead.
  await appendLog(eventsFile(layout, request.runId), [{ _tag: 'CancelRequested', at: request.at + 10, reason: 'cancelled by the user', by: 'cli' }]);

  const state = await driveLocalRun({ layout, request, engine, parallel: 2, network: false });
  assert.equal(
    [state.status, vecToArray(state.jobs).map((j) => [j.name, j.status, vecToArray(j.tasks).map((t) => t.attempts.map((a) => [a.outcome, a.reason]))])],
    ['CANCELLED', [['work', 'CANCELLED', [[['CANCELLED', 'cancelled: cancelled by the user']], [['CANCELLED', 'cancelled: cancelled by the user']]]]]],
  );
  assert.equal(started, []);
  assert.is(outputs(layout).length, ranBefore);
  assert.not.ok(existsSync(join(layout.runsDir, request.runId, 'logs')));
});

test('launches left unanswered by a crash start on resume with their whole timeout, however long the driver was gone', async () => {
  const { layout, engine, started } = await withBuiltImage(2);
  const request = await prepare(layout);
  const launches = await crashBeforeLaunch(layout, request);
  // The driver stays gone longer than the timeout, a tick logged meanwhile: the tasks never ran,
  // so no deadline runs yet.
  await new Promise((r) => setTimeout(r, 2100));
  await appendLog(eventsFile(layout, request.runId), [{ _tag: 'Tick', at: request.at + 2050 }]);

  const state = await driveLocalRun({ layout, request, engine, parallel: 2, network: false });
  assert.equal(
    [state.status, vecToArray(state.jobs).map((j) => [j.name, j.status, vecToArray(j.tasks).map((t) => t.attempts.map((a) => a.outcome))])],
    ['SUCCEEDED', [['work', 'SUCCEEDED', [['SUCCEEDED'], ['SUCCEEDED']]]]],
  );
  assert.equal(started.sort(), launches.map((c) => (c as { attemptKey: string }).attemptKey).sort());
});

const cancelDuringBuild = async (reportedStarted: boolean) => {
  const layout = localLayout(repo(null));
  const { engine, started } = await counting(layout);
  const request = await prepare(layout);
  assert.equal(request.plan.jobs.map((j) => j.action), ['build']);
  const key = request.plan.jobs[0]!.images[0]!.key;
  await openRun(layout, request);
  // The crashed driver had made the folders and taken the build (queued, or started), then died;
  // a cancel came from another terminal (with the build started, the fold sent its StopTask).
  await appendLog(eventsFile(layout, request.runId), [
    { _tag: 'DirectoriesEnsured', at: request.at + 1 },
    ...(reportedStarted ? [{ _tag: 'ImageBuildStarted', at: request.at + 2, key, taskArn: null } satisfies RunEvent] : []),
    { _tag: 'CancelRequested', at: request.at + 3, reason: 'cancelled by the user', by: 'cli' },
  ]);
  const asked = fold(layout, request.runId).commands.filter((c) => c._tag === 'StopTask').length;
  assert.is(asked, reportedStarted ? 1 : 0);

  const state = await driveLocalRun({ layout, request, engine, parallel: 2, network: false });
  assert.equal(
    [state.status, vecToArray(state.images).map((i) => i.status), vecToArray(state.jobs).map((j) => [j.name, j.status])],
    ['CANCELLED', ['FAILED'], [['work', 'SKIPPED']]],
  );
  assert.equal(started, []);
};

test('a build taken but not started when the driver died, then cancelled, is not built on resume', () => cancelDuringBuild(false));

test('a build whose stop was sent when the driver died is not built again on resume', () => cancelDuringBuild(true));

test.run();
