import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type TaskDefinition } from '@hyperp/core';
import { jobArtifactPath, renderTaskDefinition, sharedArtifactPath, taskOverrides } from '@hyperp/core/internal';
import { DEFAULT_PIDS_LIMIT, containerLimits, launchPlan } from '../../src/driver/task-launch.js';
import { localRunSettings } from '../../src/runs/settings.js';
import { tempDir } from '../temp.js';

test('a rendered task definition runs locally with its EFS folders under .hyperp/artifacts', () => {
  const artifacts = tempDir('hyperp-art-');
  const td: TaskDefinition = {
    cpu: '512', memory: '1024',
    containerDefinitions: [{ name: 'main', dockerfilePath: 'j/Dockerfile', environment: [{ name: 'Y', value: '7' }, { name: 'TASK_INDEX', value: 'mine' }], stopTimeout: 4 }],
  };
  const rendered = renderTaskDefinition({
    workflow: { name: 'wf', sharedArtifacts: ['notes'] },
    job: { name: 'x * y', dependsOn: ['Generate x'], taskDefinition: td },
    commit: 'c0ffee', runId: 'r1', imageKeys: { main: 'k'.repeat(64) },
    settings: localRunSettings().render,
  });
  assert.is(rendered._tag, 'Right');
  const plan = launchPlan(rendered._tag === 'Right' ? (rendered.right as unknown as TaskDefinition) : td, { overrides: taskOverrides(td, 2, 3) }, artifacts, 'hyperp-local');
  const scope = { commit: 'c0ffee', runId: 'r1', workflow: 'wf' };
  assert.equal(plan, {
    notes: [],
    containers: [{
      name: 'main', image: 'k'.repeat(64), essential: true,
      environment: { Y: '7', TASK_INDEX: '2', TASK_TOTAL_SIZE: '3' },
      stopTimeoutSeconds: 4,
      limits: { memoryMiB: 1024, pids: DEFAULT_PIDS_LIMIT, tmpMiB: 1024 },
      binds: [
        { host: join(artifacts, jobArtifactPath(scope, 'x * y')), sandbox: '/output', readOnly: false },
        { host: join(artifacts, jobArtifactPath(scope, 'Generate x')), sandbox: '/input/Generate x', readOnly: true },
        { host: join(artifacts, sharedArtifactPath(scope, 'notes')), sandbox: '/shared/notes', readOnly: false },
      ],
    }],
  });
  assert.ok(plan.containers[0]!.binds.every((b) => existsSync(b.host)));
});

test('limits follow the task definition: the container memory, else the task memory; the nproc ulimit, else a default', () => {
  const td = {
    cpu: '256', memory: '2048',
    containerDefinitions: [
      { name: 'own', memory: 300, ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 20 }, { name: 'nproc', softLimit: 50, hardLimit: 64 }] },
      { name: 'task' },
      { name: 'odd', ulimits: [{ name: 'nproc', hardLimit: -1 }] },
    ],
  } as unknown as TaskDefinition;
  assert.equal(td.containerDefinitions.map((c) => containerLimits(td, c)), [
    { memoryMiB: 300, pids: 64, tmpMiB: 300 },
    { memoryMiB: 2048, pids: DEFAULT_PIDS_LIMIT, tmpMiB: 2048 },
    { memoryMiB: 2048, pids: DEFAULT_PIDS_LIMIT, tmpMiB: 2048 },
  ]);
  assert.equal(containerLimits({ containerDefinitions: [{ name: 'x' }] }, { name: 'x' }), { memoryMiB: 512, pids: DEFAULT_PIDS_LIMIT, tmpMiB: 512 });
});

test('a user EFS volume gets a folder of the run beside its outputs, one per file system folder, never the artifact root', () => {
  const artifacts = tempDir('hyperp-art-');
  const td: TaskDefinition = {
    cpu: '256', memory: '512',
    volumes: [
      { name: 'all', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/' } },
      { name: 'same', efsVolumeConfiguration: { fileSystemId: 'fs-1' } },
      { name: 'sub', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/sub' } },
    ],
    containerDefinitions: [{
      name: 'main', dockerfilePath: 'j/Dockerfile',
      mountPoints: [{ sourceVolume: 'all', containerPath: '/a' }, { sourceVolume: 'same', containerPath: '/b' }, { sourceVolume: 'sub', containerPath: '/c', readOnly: true }],
    }],
  };
  const rendered = renderTaskDefinition({
    workflow: { name: 'wf', sharedArtifacts: [] }, job: { name: 'j', dependsOn: [], taskDefinition: td },
    commit: 'c0ffee', runId: 'r1', imageKeys: { main: 'k'.repeat(64) }, settings: localRunSettings().render,
  });
  assert.is(rendered._tag, 'Right');
  const plan = launchPlan(rendered._tag === 'Right' ? (rendered.right as unknown as TaskDefinition) : td, { overrides: taskOverrides(td, 1, 1) }, artifacts, 'hyperp-local');
  const space = join(artifacts, dirname(jobArtifactPath({ commit: 'c0ffee', runId: 'r1', workflow: 'wf' }, 'j')), 'volumes');
  const [a, b, c, output] = plan.containers[0]!.binds;
  assert.is(dirname(a!.host), space);
  assert.is(b!.host, a!.host, 'the same file system folder is one folder');
  assert.is(dirname(c!.host), space);
  assert.is.not(c!.host, a!.host);
  assert.equal([a!.sandbox, b!.sandbox, c!.sandbox, c!.readOnly, output!.sandbox], ['/a', '/b', '/c', true, '/output']);
  assert.ok(existsSync(a!.host) && existsSync(c!.host));
});

test("a container's user is taken from the task definition as written (a string; anything else is none)", () => {
  const artifacts = tempDir('hyperp-art-');
  const td = (user: unknown) => ({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', image: 'i', user }] }) as unknown as TaskDefinition;
  const userOf = (user: unknown) => launchPlan(td(user), { overrides: taskOverrides(td(user), 1, 1) }, artifacts, 'hyperp-local').containers[0]!.user;
  assert.is(userOf('app:staff'), 'app:staff');
  assert.is(userOf('1000'), '1000');
  assert.is(userOf(1000), undefined);
  assert.is(userOf(''), undefined);
});

test.run();
