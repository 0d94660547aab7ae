// User EFS volumes in task definitions: confined to a folder of the run's own. A volume at "/"
// shows neither the artifact store nor other runs; a link a job plants in a volume is never
// followed by a later job's mount; what run refuses, validate reports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflows, vecToArray, type TaskDefinition } from '@hyperp/core';
import { jobArtifactPath } from '@hyperp/core/internal';
import { localLayout } from '../../src/layout.js';
import { launchPlan } from '../../src/driver/task-launch.js';
import { driveLocalRun, openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import { snapshotWorkingTree } from '../../src/repo/snapshot.js';
import { committedRepo } from '../git-repo.js';
import { tempDir } from '../temp.js';

const job = (dir: string, script: string, volume: { name: string; root: string; at: string }) => ({
  [`${dir}/Dockerfile`]: 'FROM python:3\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n',
  [`${dir}/main.py`]: script,
  [`${dir}/taskdef.json`]: JSON.stringify({
    cpu: '256', memory: '512',
    volumes: [{ name: volume.name, efsVolumeConfiguration: { fileSystemId: 'fs-12345678', rootDirectory: volume.root } }],
    containerDefinitions: [{ name: 'main', dockerfilePath: `${dir}/Dockerfile`, mountPoints: [{ sourceVolume: volume.name, containerPath: volume.at }] }],
  }),
});

const runAll = async (dir: string) => {
  const layout = localLayout(dir);
  const opened = await openLocalEngine('process', layout);
  if (opened._tag !== 'Engine') throw new Error(opened.message);
  const prepared = await prepareRuns({ repoDir: dir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now() });
  if (prepared._tag !== 'Prepared') throw new Error(prepared.message);
  const request = prepared.requests[0]!;
  await openRun(layout, request);
  const state = await driveLocalRun({ layout, request, engine: opened.engine, parallel: 1, network: false });
  return { layout, request, state };
};

test('a volume at "/" shows no artifact store, and a link planted there never takes a later mount to a host folder', async () => {
  const victim = tempDir('hyperp-victim-');
  const dir = committedRepo('hyperp-volumes-', {
    'hyperp-workflows/w.yaml': [
      'workflowName: w', 'branches: [main]', 'jobs:',
      '  - jobName: plant', '    taskDefinitionPath: plant/taskdef.json',
      '  - jobName: follow', '    taskDefinitionPath: follow/taskdef.json', '    dependsOn: [plant]', '',
    ].join('\n'),
    ...job('plant', [
      'import os',
      'open("/output/seen.txt", "w").write(",".join(sorted(os.listdir("/data"))))',
      `os.symlink(${JSON.stringify(victim)}, "/data/planted")`,
      '',
    ].join('\n'), { name: 'all', root: '/', at: '/data' }),
    ...job('follow', 'open("/x/pwned", "w").write("owned")\n', { name: 'via', root: '/planted', at: '/x' }),
  });
  // An earlier run leaves outputs in the artifact store.
  await runAll(dir);
  const { layout, request, state } = await runAll(dir);
  assert.is(state.status, 'SUCCEEDED', state.failure ?? '');
  assert.equal(vecToArray(state.jobs).map((j) => j.status), ['SUCCEEDED', 'SUCCEEDED']);
  assert.equal(readdirSync(victim), [], 'nothing written into the host folder');
  const seen = readFileSync(join(layout.artifactsDir, jobArtifactPath({ commit: request.commit, runId: request.runId, workflow: 'w' }, 'plant'), 'seen.txt'), 'utf8');
  assert.is(seen, '', 'the volume is a fresh folder of the run, not the artifact store');
});

test('a rootDirectory that goes up with ".." is an error of validate, and run refuses the mount', async () => {
  const dir = committedRepo('hyperp-volumes-', {
    'hyperp-workflows/w.yaml': 'workflowName: w\nbranches: [main]\njobs:\n  - jobName: up\n    taskDefinitionPath: up/taskdef.json\n',
    ...job('up', 'print(1)\n', { name: 'up', root: '/../../..', at: '/up' }),
  });
  const loaded = loadWorkflows(await snapshotWorkingTree(dir));
  assert.equal(loaded.issues.filter((i) => i.severity === 'error').map((i) => [i.file, i.path, i.rule]), [
    ['up/taskdef.json', 'volumes[0].efsVolumeConfiguration.rootDirectory', 'task-definition-mounts'],
  ]);
  const td = JSON.parse(readFileSync(join(dir, 'up/taskdef.json'), 'utf8')) as TaskDefinition;
  const rendered: TaskDefinition = { ...td, volumes: [...td.volumes!, { name: 'hyperp-output', efsVolumeConfiguration: { rootDirectory: '/c/r/w/j' } }] };
  assert.throws(() => launchPlan(rendered, { overrides: { containerOverrides: [] } }, tempDir('hyperp-art-'), 'hyperp-local'), /volume up at \/up: efsVolumeConfiguration.rootDirectory "\/..\/..\/.." is not a folder of its file system/);
});

test.run();
