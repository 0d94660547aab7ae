// The runtime as a program embedding hyperp uses it: prepare, open, drive — no CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vecToArray } from '@hyperp/core';
import { jobArtifactPath } from '@hyperp/core/internal';
import { localLayout } from '../../src/layout.js';
import { driveLocalRun, openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore, readImageIndex } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import { driveRun, foldRun } from '../../src/driver/drive.js';
import { readRunSummary } from '../../src/runs/summary-file.js';
import { runSummaryOf } from '../../src/runs/view.js';
import { snapshotBuildSource } from '../../src/build/source.js';
import { snapshotCommit } from '../../src/repo/snapshot.js';
import { committedRepo } from '../git-repo.js';

const repo = (): string =>
  committedRepo('hyperp-embed-', {
    'hyperp-workflows/w.yaml': 'workflowName: w\nbranches: [main]\njobs:\n  - jobName: hello\n    taskDefinitionPath: hello/taskdef.json\n',
    'hello/Dockerfile': 'FROM python:3.12-slim\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n',
    'hello/main.py': 'open("/output/greeting.txt", "w").write("hello")\n',
    'hello/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "dockerfilePath": "hello/Dockerfile"}]}',
  });

test('prepare, open and drive a run; the built image is recorded with the files of its key', async () => {
  const dir = repo();
  const layout = localLayout(dir);
  const opened = await openLocalEngine('process', layout);
  assert.is(opened._tag, 'Engine');
  if (opened._tag !== 'Engine') return;
  const prepared = await prepareRuns({
    repoDir: dir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now(),
  });
  assert.is(prepared._tag, 'Prepared');
  if (prepared._tag !== 'Prepared') return;
  const [request] = prepared.requests;
  assert.equal([request!.workflow.name, request!.plan.jobs.map((j) => j.action), request!.dirty], ['w', ['build'], false]);
  await openRun(layout, request!);
  const state = await driveLocalRun({ layout, request: request!, engine: opened.engine, parallel: 2, network: false });
  assert.is(state.status, 'SUCCEEDED', state.failure ?? '');
  assert.equal(vecToArray(state.jobs).map((j) => [j.name, j.status]), [['hello', 'SUCCEEDED']]);
  const out = join(layout.artifactsDir, jobArtifactPath({ commit: request!.commit, runId: request!.runId, workflow: 'w' }, 'hello'), 'greeting.txt');
  assert.is(readFileSync(out, 'utf8'), 'hello');
  // The summary `runs list` reads was kept up to date as the run went: it is the fold of the whole log.
  const summary = readRunSummary(layout, request!.runId);
  assert.equal(summary, runSummaryOf(request!.runId, foldRun(layout, request!.runId).state, []));
  assert.equal([summary?.status, summary?.ended, summary?.workflow], ['SUCCEEDED', true, 'w']);
  const key = request!.plan.jobs[0]!.images[0]!.key;
  assert.equal(readImageIndex(layout.imagesDir).map((i) => [i.key, i.workflow, i.job, i.container, i.dockerfilePath, i.files?.map((f) => f.path)]), [
    [key, 'w', 'hello', 'main', 'hello/Dockerfile', ['hello/Dockerfile', 'hello/main.py']],
  ]);
});

// The image record is the reducer's command alone: a program driving a run with the lower-level
// driveRun (its own build source, nothing about the request) gets its images recorded too.
test('driveRun records a built image in the store from the RecordImage command, with the files of its key', async () => {
  const dir = repo();
  const layout = localLayout(dir);
  const opened = await openLocalEngine('process', layout);
  if (opened._tag !== 'Engine') return assert.unreachable(opened.message);
  const prepared = await prepareRuns({
    repoDir: dir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now(),
  });
  if (prepared._tag !== 'Prepared') return assert.unreachable(prepared._tag);
  const request = prepared.requests[0]!;
  await openRun(layout, request);
  const snapshot = await snapshotCommit(dir, request.commit);
  const state = await driveRun({
    layout, runId: request.runId, engine: opened.engine, parallel: 1, network: false, source: snapshotBuildSource(dir, snapshot, false),
  });
  assert.is(state.status, 'SUCCEEDED', state.failure ?? '');
  const image = request.plan.jobs[0]!.images[0]!;
  assert.equal(readImageIndex(layout.imagesDir).map((i) => [i.key, i.workflow, i.job, i.container, i.dockerfilePath, i.engine, i.files]), [
    [image.key, 'w', 'hello', 'main', 'hello/Dockerfile', 'process', snapshot.files.filter((f) => f.path === 'hello/Dockerfile' || f.path === 'hello/main.py')],
  ]);
});

test.run();
