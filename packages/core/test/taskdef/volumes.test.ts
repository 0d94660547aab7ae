import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkTaskDefinition } from '../../src/taskdef/validate.js';
import { memorySnapshot } from '../workflow/fs-snapshot.js';

const repo = memorySnapshot({ 'job/Dockerfile': 'FROM scratch\n' });
const check = (td: unknown) =>
  checkTaskDefinition('job/taskdef.json', JSON.stringify(td, null, 2), repo).issues.filter((i) => i.rule === 'task-definition-mounts');

const base = (volumes: unknown[], mountPoints: unknown[]) => ({
  cpu: '256', memory: '512', volumes,
  containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile', mountPoints }],
});

test('an EFS volume whose rootDirectory goes up with ".." is an error, with its line and field', () => {
  const issues = check(base([{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/a/../../b' } }], [{ sourceVolume: 'data', containerPath: '/data' }]));
  assert.equal(issues.map((i) => [i.path, i.line, i.message]), [
    ['volumes[0].efsVolumeConfiguration.rootDirectory', 9, 'volume "data": efsVolumeConfiguration.rootDirectory "/a/../../b" goes up with ".."; name a folder of the file system without ".."'],
  ]);
});

test('a rootDirectory that is not a string, and a mount of a volume the task definition lacks, are errors', () => {
  const issues = check(base([{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: 7 } }], [{ sourceVolume: 'dta', containerPath: '/data' }]));
  assert.equal(issues.map((i) => [i.path, i.message]), [
    ['volumes[0].efsVolumeConfiguration.rootDirectory', 'volume "data": efsVolumeConfiguration.rootDirectory must be a path of the file system such as "/data", not 7'],
    ['containerDefinitions[0].mountPoints[0].sourceVolume', 'container "main" mounts volume "dta", which is not in the task definition\'s volumes; did you mean "data"?'],
  ]);
});

test('EFS volumes at "/", at a folder, or without rootDirectory, and other volumes, pass', () => {
  assert.equal(check(base([
    { name: 'all', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/' } },
    { name: 'sub', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/results/2026' } },
    { name: 'plain', efsVolumeConfiguration: { fileSystemId: 'fs-1' } },
    { name: 'scratch' },
  ], [{ sourceVolume: 'all', containerPath: '/a' }, { sourceVolume: 'sub', containerPath: '/b' }, { sourceVolume: 'scratch', containerPath: '/c' }])), []);
});

test.run();
