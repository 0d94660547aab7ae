import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  artifactPathOfEfsDirectory, describeRenderIssue, efsDirectory, hyperpMounts, MAX_OVERRIDES_CHARACTERS, renderTaskDefinition,
  runArtifactDirectories, taskOverrides, type RenderInput, type RenderSettings,
} from '../../src/render/index.js';
import { awsNameLimits, jobArtifactPath, jobHash, meetsLimit, sharedArtifactPath, taskDefinitionFamily, workflowHash } from '../../src/names/index.js';
import fc from 'fast-check';
import { taggedHash } from '../../src/names/hash.js';
import type { TaskDefinition } from '../../src/taskdef/model.js';

const settings: RenderSettings = {
  region: 'eu-west-1',
  imageRepository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/hyperp',
  efs: { fileSystemId: 'fs-0abc', rootDirectory: '/hyperp' },
  logGroup: '/hyperp/tasks',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  taskRoleArn: 'arn:aws:iam::123456789012:role/job',
};
const commit = 'a'.repeat(40);
const keyA = '1'.repeat(64);

const taskDefinition: TaskDefinition = {
  cpu: '512',
  memory: 1024,
  containerDefinitions: [
    { name: 'main', dockerfilePath: 'calc/Dockerfile', essential: true, environment: [{ name: 'MODE', value: 'sum' }] },
    { name: 'sidecar', image: 'public.ecr.aws/docker/library/busybox:1.36', essential: false, logConfiguration: { logDriver: 'awsfirelens' } },
  ],
  volumes: [{ name: 'scratch' }],
};

const input = (over: Partial<RenderInput> = {}): RenderInput => ({
  workflow: { name: 'calculator', sharedArtifacts: ['numbers'] },
  job: { name: 'add 1 + 2', dependsOn: ['generate / input', 'seed*'], taskDefinition },
  commit,
  runId: 'run-7',
  imageKeys: { main: keyA },
  settings,
  ...over,
});

const efs = (path: string) => ({
  fileSystemId: 'fs-0abc',
  rootDirectory: `/hyperp/${path}`,
  transitEncryption: 'ENABLED',
  authorizationConfig: { iam: 'ENABLED' },
});

const render = suite('renderTaskDefinition');

render('the whole task definition for a job with two containers, two dependencies and a shared artifact', () => {
  const scope = { commit, runId: 'run-7', workflow: 'calculator' };
  const mounts = [
    { sourceVolume: 'hyperp-output', containerPath: '/output', readOnly: false },
    { sourceVolume: `hyperp-input-${jobHash('generate / input')}`, containerPath: '/input/generate / input', readOnly: true },
    { sourceVolume: `hyperp-input-${jobHash('seed*')}`, containerPath: '/input/seed*', readOnly: true },
    { sourceVolume: `hyperp-shared-${taggedHash('shared', 'numbers', 16)}`, containerPath: '/shared/numbers', readOnly: false },
  ];
  const prefix = `hyperp/run-7/${workflowHash('calculator')}/${jobHash('add 1 + 2')}`;
  assert.equal(renderTaskDefinition(input()), E.right({
    cpu: '512',
    memory: '1024',
    family: taskDefinitionFamily('calculator', 'add 1 + 2'),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    executionRoleArn: settings.executionRoleArn,
    taskRoleArn: settings.taskRoleArn,
    containerDefinitions: [
      {
        name: 'main',
        essential: true,
        environment: [{ name: 'MODE', value: 'sum' }],
        image: `${settings.imageRepository}:${keyA}`,
        mountPoints: mounts,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/hyperp/tasks', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': prefix },
        },
      },
      {
        name: 'sidecar',
        image: 'public.ecr.aws/docker/library/busybox:1.36',
        essential: false,
        logConfiguration: { logDriver: 'awsfirelens' },
        mountPoints: mounts,
      },
    ],
    volumes: [
      { name: 'scratch' },
      { name: 'hyperp-output', efsVolumeConfiguration: efs(jobArtifactPath(scope, 'add 1 + 2')) },
      { name: `hyperp-input-${jobHash('generate / input')}`, efsVolumeConfiguration: efs(jobArtifactPath(scope, 'generate / input')) },
      { name: `hyperp-input-${jobHash('seed*')}`, efsVolumeConfiguration: efs(jobArtifactPath(scope, 'seed*')) },
      { name: `hyperp-shared-${taggedHash('shared', 'numbers', 16)}`, efsVolumeConfiguration: efs(sharedArtifactPath(scope, 'numbers')) },
    ],
  }));
});

render('a rerun mounts a dependency from the run whose output it reuses; user roles and unknown keys are kept', () => {
  const td = { ...taskDefinition, taskRoleArn: 'arn:aws:iam::1:role/mine', pidMode: 'task' } as TaskDefinition;
  const r = renderTaskDefinition(input({ inputRuns: { 'seed*': 'run-3' }, job: { name: 'add', dependsOn: ['seed*'], taskDefinition: td } }));
  assert.ok(E.isRight(r));
  if (E.isLeft(r)) return;
  const seed = r.right.volumes.find((v) => v.name === `hyperp-input-${jobHash('seed*')}`);
  assert.equal(seed?.efsVolumeConfiguration, efs(jobArtifactPath({ commit, runId: 'run-3', workflow: 'calculator' }, 'seed*')));
  assert.is(r.right.taskRoleArn, 'arn:aws:iam::1:role/mine');
  assert.is((r.right as unknown as { pidMode: string }).pidMode, 'task');
  assert.not.ok('dockerfilePath' in r.right.containerDefinitions[0]!);
});

render('a deployment\'s task definitions are in its own families', () => {
  const r = renderTaskDefinition(input({ settings: { ...settings, familyPrefix: 'hyperp-prod' } }));
  assert.ok(E.isRight(r) && r.right.family === taskDefinitionFamily('calculator', 'add 1 + 2', 'hyperp-prod'));
  assert.ok(E.isRight(r) && r.right.family.startsWith('hyperp-prod_'));
});

render('a dependency, shared or output mount the user also declared is an error, as is a reserved volume name', () => {
  const td: TaskDefinition = {
    ...taskDefinition,
    volumes: [{ name: 'hyperp-output' }],
    containerDefinitions: [
      { name: 'main', dockerfilePath: 'calc/Dockerfile', mountPoints: [{ sourceVolume: 'x', containerPath: '/input/seed*/' }, { sourceVolume: 'y', containerPath: '/data' }] },
      { name: 'side', image: 'busybox', mountPoints: [{ sourceVolume: 'z', containerPath: '/shared' }, { sourceVolume: 'w', containerPath: '/output/sub' }] },
    ],
  };
  assert.equal(renderTaskDefinition(input({ job: { name: 'add', dependsOn: ['seed*'], taskDefinition: td } })), E.left([
    { _tag: 'ReservedVolumeName', volume: 'hyperp-output' },
    { _tag: 'MountConflict', container: 'main', containerPath: '/input/seed*/', hyperpPath: '/input/seed*' },
    { _tag: 'MountConflict', container: 'side', containerPath: '/shared', hyperpPath: '/shared/numbers' },
    { _tag: 'MountConflict', container: 'side', containerPath: '/output/sub', hyperpPath: '/output' },
  ]));
});

render('missing image key, no image, no task size and a non-Fargate network mode are errors', () => {
  const td: TaskDefinition = {
    networkMode: 'bridge',
    memory: '2048',
    containerDefinitions: [{ name: 'main', dockerfilePath: 'Dockerfile' }, { name: 'bare' }],
  };
  const r = renderTaskDefinition(input({ imageKeys: {}, job: { name: 'j', dependsOn: [], taskDefinition: td } }));
  assert.equal(r, E.left([
    { _tag: 'MissingTaskSize', missing: 'cpu' },
    { _tag: 'UnsupportedNetworkMode', networkMode: 'bridge' },
    { _tag: 'MissingImageKey', container: 'main' },
    { _tag: 'NoImage', container: 'bare' },
  ]));
  if (E.isLeft(r)) {
    assert.equal(r.left.map(describeRenderIssue), [
      'the task definition gives no task-level cpu; Fargate needs both',
      'networkMode "bridge" does not run on Fargate; use "awsvpc" or leave it out',
      'container "main" names a dockerfilePath but the plan has no image for it',
      'container "bare" gives neither image nor dockerfilePath',
    ]);
  }
});

render('every volume name meets ECS\'s limit and is unique, whatever the job and artifact names', () => {
  const name = fc.string({ minLength: 1, maxLength: 80 });
  fc.assert(fc.property(fc.uniqueArray(name, { maxLength: 5 }), fc.uniqueArray(name, { maxLength: 3 }), (deps, shared) => {
    const mounts = hyperpMounts({ scope: { commit, runId: 'r', workflow: 'w' }, job: 'j', dependsOn: deps, sharedArtifacts: shared });
    const names = mounts.map((m) => m.volumeName);
    for (const n of names) assert.ok(meetsLimit(awsNameLimits.volumeName, n), n);
    assert.is(new Set(names).size, 1 + deps.length + shared.length);
  }), { numRuns: 150 });
});

render.run();

const overrides = suite('taskOverrides');

overrides('TASK_INDEX and TASK_TOTAL_SIZE for every container', () => {
  assert.equal(taskOverrides(taskDefinition, 3, 5), {
    containerOverrides: [
      { name: 'main', environment: [{ name: 'TASK_INDEX', value: '3' }, { name: 'TASK_TOTAL_SIZE', value: '5' }] },
      { name: 'sidecar', environment: [{ name: 'TASK_INDEX', value: '3' }, { name: 'TASK_TOTAL_SIZE', value: '5' }] },
    ],
  });
});

overrides('stay within RunTask\'s 8,192 characters for ten containers with 255-character names at index 10,000', () => {
  const containers = Array.from({ length: 10 }, (_, i) => ({ name: `${i}`.padEnd(255, 'c') }));
  const size = JSON.stringify(taskOverrides({ containerDefinitions: containers }, 10_000, 10_000)).length;
  assert.ok(size <= MAX_OVERRIDES_CHARACTERS, String(size));
});

overrides.run();

const dirs = suite('directories and local mapping');

dirs('every job and shared directory of a run', () => {
  const wf = { name: 'calculator', sharedArtifacts: ['numbers'], jobs: [{ name: 'a' }, { name: 'b c' }] } as never;
  const scope = { commit, runId: 'r', workflow: 'calculator' };
  assert.equal(runArtifactDirectories(wf, commit, 'r'), [
    jobArtifactPath(scope, 'a'), jobArtifactPath(scope, 'b c'), sharedArtifactPath(scope, 'numbers'),
  ]);
});

dirs('an EFS rootDirectory maps back to its artifact path, for local mode', () => {
  const path = jobArtifactPath({ commit, runId: 'r', workflow: 'w' }, 'j');
  assert.is(efsDirectory(settings, path), `/hyperp/${path}`);
  assert.is(artifactPathOfEfsDirectory(settings, efsDirectory(settings, path)), path);
  assert.is(artifactPathOfEfsDirectory(settings, '/elsewhere/x'), undefined);
  const local = { ...settings, efs: { fileSystemId: 'local', rootDirectory: '/' } };
  assert.is(efsDirectory(local, path), `/${path}`);
  assert.is(artifactPathOfEfsDirectory(local, `/${path}`), path);
});

dirs.run();
