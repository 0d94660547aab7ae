// An image is built only from the files its key was made of: a run resumed (or rerun) after its
// working tree changed, or with another engine, must not build other files under the old key —
// a later plan would reuse that image for files it was not built from.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vecToArray, type RunRequested } from '@hyperp/core';
import { localLayout, type LocalLayout } from '../../src/layout.js';
import { driveLocalRun, openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore, readImageIndex } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import type { Engine } from '../../src/engine/types.js';
import { committedRepo } from '../git-repo.js';

const files = {
  'hyperp-workflows/w.yaml': 'workflowName: w\nbranches: [main]\njobs:\n  - jobName: hello\n    taskDefinitionPath: hello/taskdef.json\n',
  'hello/Dockerfile': 'FROM python:3.12-slim\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n',
  'hello/main.py': 'open("/output/v", "w").write("committed")\n',
  'hello/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "dockerfilePath": "hello/Dockerfile"}]}',
};

const planned = async (layout: LocalLayout, builder: string): Promise<RunRequested> => {
  const prepared = await prepareRuns({ repoDir: layout.repoDir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: builder, now: Date.now() });
  if (prepared._tag !== 'Prepared') throw new Error(prepared.message);
  return prepared.requests[0]!;
};

const processEngine = async (layout: LocalLayout): Promise<{ engine: Engine; builds: string[] }> => {
  const opened = await openLocalEngine('process', layout);
  if (opened._tag !== 'Engine') throw new Error(opened.message);
  const builds: string[] = [];
  return { engine: { ...opened.engine, build: (r) => (builds.push(r.key), opened.engine.build(r)), run: (t) => opened.engine.run(t) }, builds };
};

test('a dirty run whose working tree changed before its build fails the build instead of building the new files under the old key', async () => {
  const layout = localLayout(committedRepo('hyperp-stale-', files));
  writeFileSync(join(layout.repoDir, 'hello/main.py'), 'open("/output/v", "w").write("planned")\n');
  const request = await planned(layout, localBuilderVersion('process'));
  assert.equal([request.dirty, request.plan.jobs[0]!.action], [true, 'build']);
  await openRun(layout, request);
  // edited again before the run was driven (a resume or rerun later, say)
  writeFileSync(join(layout.repoDir, 'hello/main.py'), 'open("/output/v", "w").write("edited later")\n');
  const { engine, builds } = await processEngine(layout);
  const state = await driveLocalRun({ layout, request, engine, parallel: 1, network: false });
  const key = request.plan.jobs[0]!.images[0]!.key;
  assert.equal([state.status, vecToArray(state.images).map((i) => [i.status, i.reason])], ['FAILED', [[
    'FAILED', `the files of image ${key.slice(0, 12)}… are not those in the working tree any more (it changed since the run was planned); start a new run to build them`,
  ]]]);
  assert.equal([builds, readImageIndex(layout.imagesDir)], [[], []]);
});

test('a run planned for another engine does not build its images with this one', async () => {
  const layout = localLayout(committedRepo('hyperp-stale-', files));
  const request = await planned(layout, localBuilderVersion('docker'));
  await openRun(layout, request);
  const { engine, builds } = await processEngine(layout);
  const state = await driveLocalRun({ layout, request, engine, parallel: 1, network: false });
  const key = request.plan.jobs[0]!.images[0]!.key;
  assert.equal([state.status, vecToArray(state.images).map((i) => i.reason), builds], ['FAILED', [
    `image ${key.slice(0, 12)}… was planned for the docker engine, not process; resume or rerun the run with --engine docker`,
  ], []]);
});

test.run();
