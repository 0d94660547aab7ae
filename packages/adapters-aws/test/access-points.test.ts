// Job isolation on EFS: every hyperp volume of a job's task definition is mounted through an
// access point made for the run (writers for /output and /shared, readers for /input), the run's
// access points go when its task definitions do, and the sweep removes what a crash left. EFS
// has no local stand-in, so EFS and ECS are aws-sdk-client-mock stubs asserted on exact inputs,
// answering with EFS's documented error shapes.
import {
  DeleteTaskDefinitionsCommand, DeregisterTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import {
  AccessPointAlreadyExists, AccessPointLimitExceeded, AccessPointNotFound, CreateAccessPointCommand, DeleteAccessPointCommand,
  DescribeAccessPointsCommand, EFSClient, FileSystemNotFound, InternalServerError,
} from '@aws-sdk/client-efs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type RegisterTaskDefinition } from '@hyperp/core';
import { renderTaskDefinition } from '@hyperp/core/internal';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { accessPointToken, sweepAccessPoints } from '../src/efs/access-points.js';
import { realFolderOf } from '../src/efs/folders.js';
import type { InterpreterDeps } from '../src/interpret/deps.js';
import { interpreter } from '../src/interpret/interpreter.js';
import type { RunMeta } from '../src/run/meta.js';
import { testEnv } from './support/env.js';

const t = suite('run access points');
const ecs = mockClient(ECSClient);
const efs = mockClient(EFSClient);
const config = loadConfig(testEnv);
const NOW = 1_800_000_000_000;
const deps = (): InterpreterDeps => ({
  config,
  ecs: new ECSClient({ region: 'us-east-1' }),
  lambda: new LambdaClient({ region: 'us-east-1' }),
  efs: new EFSClient({ region: 'us-east-1' }),
  images: { get: async () => new Map(), record: async () => undefined, plan: async () => undefined, plannedItem: async () => ({}), recordAction: () => ({}), newest: async () => undefined, planned: async () => undefined },
  github: () => {
    throw new Error('no GitHub in this test');
  },
  contexts: { ensure: async () => ({ _tag: 'Refused', reason: 'no build contexts in this test' }) },
  wakeups: async () => undefined,
  now: () => NOW,
  log: () => undefined,
});
const meta: RunMeta = { runId: 'r1', repo: 'acme/calc', installationId: 77, branch: 'main', commit: 'c'.repeat(40), workflow: 'calculator', trigger: 'push' };
const efsError = <T>(Ctor: new (o: never) => T, message: string, extra: Record<string, unknown> = {}): T =>
  new Ctor({ message, $metadata: { httpStatusCode: 400 }, ErrorCode: 'x', Message: message, ...extra } as never);

// The job `sum` of the calculator: depends on `add`, shares `numbers`, as core renders it.
const rendered = renderTaskDefinition({
  workflow: { name: 'calculator', sharedArtifacts: ['numbers'] },
  job: { name: 'sum', dependsOn: ['add'], taskDefinition: { cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', image: 'busybox' }] } },
  commit: 'c'.repeat(40),
  runId: 'r1',
  imageKeys: {},
  settings: {
    region: 'us-east-1', imageRepository: config.ecrRepositoryUri, logGroup: '/hyperp/tasks', familyPrefix: 'hyperp',
    efs: { fileSystemId: config.efsFileSystemId, rootDirectory: config.efsRootDirectory },
  },
});
if (rendered._tag === 'Left') throw new Error('render failed');
const register: RegisterTaskDefinition = {
  _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'sum', family: rendered.right.family, taskDefinition: rendered.right, tags: [],
} as unknown as RegisterTaskDefinition;
const layout = (v: string) => rendered.right.volumes.find((x) => x.name === v)!.efsVolumeConfiguration!['rootDirectory'] as string;
const volumeNames = rendered.right.volumes.map((v) => v.name);
const layoutPath = (v: string) => layout(v).replace(/^\/hyperp\//, '');

t.before.each(() => {
  ecs.reset();
  efs.reset();
});

t('output and shared folders get writer access points, each dependency a reader; the volumes name them, with IAM and TLS, without a root directory', async () => {
  let n = 0;
  efs.on(CreateAccessPointCommand).callsFake(() => ({ AccessPointId: `fsap-${++n}` }));
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: 'arn:td/sum:1' } });
  assert.equal(await interpreter(deps())(register, meta), [{ _tag: 'TaskDefinitionRegistered', at: NOW, job: 'sum', taskDefinitionArn: 'arn:td/sum:1' }]);

  const expectedAp = (v: string, mode: 'write' | 'read') => ({
    ClientToken: accessPointToken(config.efsFileSystemId, 'r1', mode, layoutPath(v)),
    FileSystemId: config.efsFileSystemId,
    PosixUser: mode === 'write' ? { Uid: 1000, Gid: 1000 } : { Uid: 1001, Gid: 1001 },
    RootDirectory: { Path: `/hyperp/${realFolderOf(layoutPath(v))}`, CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '0755' } },
    Tags: [{ Key: 'hyperp:run', Value: 'r1' }, { Key: 'hyperp:deployment', Value: 'hyperp' }, { Key: 'hyperp:access', Value: mode }],
  });
  const [output, input, shared] = volumeNames;
  assert.equal(volumeNames.map((v) => v!.replace(/-[0-9a-f]{16}$/, '')), ['hyperp-output', 'hyperp-input', 'hyperp-shared']);
  assert.equal(efs.commandCalls(CreateAccessPointCommand).map((c) => c.args[0].input), [
    expectedAp(output!, 'write'), expectedAp(input!, 'read'), expectedAp(shared!, 'write'),
  ]);
  for (const c of efs.commandCalls(CreateAccessPointCommand)) assert.ok(c.args[0].input.RootDirectory!.Path!.length <= 100);

  const sent = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input as RegisterTaskDefinitionCommandInput;
  assert.equal(sent.volumes, [1, 2, 3].map((i, k) => ({
    name: volumeNames[k],
    efsVolumeConfiguration: { fileSystemId: config.efsFileSystemId, transitEncryption: 'ENABLED', authorizationConfig: { accessPointId: `fsap-${i}`, iam: 'ENABLED' } },
  })));
  // The mount points are core's: /input read-only.
  assert.equal(sent.containerDefinitions![0]!.mountPoints, rendered.right.containerDefinitions[0]!.mountPoints);
});

t('a repeated registration gets the same access points back (EFS names them in AccessPointAlreadyExists)', async () => {
  efs.on(CreateAccessPointCommand).callsFake((input: { ClientToken: string }) => {
    throw efsError(AccessPointAlreadyExists, 'Access point already exists with the specified client token', { AccessPointId: `fsap-${input.ClientToken.slice(0, 6)}` });
  });
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: 'arn:td/sum:2' } });
  await interpreter(deps())(register, meta);
  const sent = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input as RegisterTaskDefinitionCommandInput;
  assert.equal(
    sent.volumes!.map((v) => v.efsVolumeConfiguration!.authorizationConfig!.accessPointId),
    efs.commandCalls(CreateAccessPointCommand).map((c) => `fsap-${c.args[0].input.ClientToken!.slice(0, 6)}`),
  );
});

t('throttling and a file system out of access points (AccessPointLimitExceeded) fail the registration as retryable: it waits and is sent again; a missing file system refuses it with the reason', async () => {
  // EFS API Reference, "CreateAccessPoint": ThrottlingException 429, AccessPointLimitExceeded 403, FileSystemNotFound 404.
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429 } });
  const full = efsError(AccessPointLimitExceeded, 'You have reached the maximum number of access points (10000) for your file system');
  Object.assign(full, { $metadata: { httpStatusCode: 403 } });
  efs.on(CreateAccessPointCommand).rejectsOnce(throttled).resolvesOnce({ AccessPointId: 'fsap-1' }).rejectsOnce(full)
    .rejects(efsError(FileSystemNotFound, 'File system \'fs-12345678\' does not exist.', { $metadata: { httpStatusCode: 404 } }));
  const outcome = async () => (await interpreter(deps())(register, meta)).map((e) => [e._tag, (e as { failure?: string }).failure, (e as { reason?: string }).reason]);
  assert.equal(await outcome(), [['CommandFailed', 'retryable', 'ThrottlingException: Rate exceeded']]);
  assert.equal(await outcome(), [['CommandFailed', 'retryable', 'AccessPointLimitExceeded: You have reached the maximum number of access points (10000) for your file system']]);
  assert.equal(await outcome(), [['TaskDefinitionRejected', undefined,
    `the run's EFS access point for ${layoutPath(volumeNames[0]!)} cannot be created: FileSystemNotFound: File system 'fs-12345678' does not exist.`]]);
  assert.is(ecs.commandCalls(RegisterTaskDefinitionCommand).length, 0);
});

const ap = (id: string, run: string, deployment = 'hyperp') => ({
  AccessPointId: id, FileSystemId: config.efsFileSystemId,
  Tags: [{ Key: 'hyperp:run', Value: run }, { Key: 'hyperp:deployment', Value: deployment }],
});

t('a run\'s access points are deleted with its task definitions; other runs\' and other deployments\' stay; one gone already is fine; one EFS refuses does not keep the others', async () => {
  ecs.on(DeregisterTaskDefinitionCommand).resolves({});
  ecs.on(DeleteTaskDefinitionsCommand).resolves({ failures: [] });
  efs.on(DescribeAccessPointsCommand, { FileSystemId: config.efsFileSystemId, MaxResults: 100 })
    .resolves({ AccessPoints: [ap('fsap-a', 'r1'), ap('fsap-b', 'r2')], NextToken: 'p2' });
  efs.on(DescribeAccessPointsCommand, { FileSystemId: config.efsFileSystemId, MaxResults: 100, NextToken: 'p2' })
    .resolves({ AccessPoints: [ap('fsap-e', 'r1'), ap('fsap-c', 'r1'), ap('fsap-d', 'r1', 'hyperp-other')] });
  efs.on(DeleteAccessPointCommand, { AccessPointId: 'fsap-e' })
    .rejects(efsError(InternalServerError, 'An internal error occurred.', { $fault: 'server', $metadata: { httpStatusCode: 500 } }));
  efs.on(DeleteAccessPointCommand, { AccessPointId: 'fsap-c' }).rejects(efsError(AccessPointNotFound, 'Access point fsap-c does not exist'));
  efs.on(DeleteAccessPointCommand, { AccessPointId: 'fsap-a' }).resolves({});
  await interpreter(deps())({ _tag: 'DeregisterTaskDefinitions', runId: 'r1', taskDefinitionArns: ['arn:td/sum:1'] }, meta);
  assert.equal(efs.commandCalls(DeleteAccessPointCommand).map((c) => c.args[0].input.AccessPointId), ['fsap-a', 'fsap-e', 'fsap-c']);
});

t('the sweep deletes access points of runs that are no longer active, and lists them before the active runs', async () => {
  const order: string[] = [];
  efs.on(DescribeAccessPointsCommand).callsFake(() => {
    order.push('list access points');
    return { AccessPoints: [ap('fsap-a', 'r1'), ap('fsap-b', 'r2'), ap('fsap-x', 'r3', 'hyperp-other'), { AccessPointId: 'fsap-untagged' }] };
  });
  efs.on(DeleteAccessPointCommand).resolves({});
  const deleted = await sweepAccessPoints(
    { efs: new EFSClient({ region: 'us-east-1' }), retry: { attempts: 3, baseMs: 1, maxMs: 1, sleep: async () => undefined, random: () => 0.5 }, settings: { fileSystemId: config.efsFileSystemId, efsRootDirectory: '/hyperp', familyPrefix: 'hyperp' } },
    async () => {
      order.push('list active runs');
      return new Set(['r2']);
    },
  );
  assert.is(deleted, 1);
  assert.equal(order, ['list access points', 'list active runs']);
  assert.equal(efs.commandCalls(DeleteAccessPointCommand).map((c) => c.args[0].input.AccessPointId), ['fsap-a']);
});

t.run();
