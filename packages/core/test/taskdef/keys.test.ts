import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkTaskDefinition } from '../../src/taskdef/validate.js';
import { memorySnapshot } from '../workflow/fs-snapshot.js';

const repo = memorySnapshot({ 'job/Dockerfile': 'FROM scratch\n' });
const check = (td: unknown) =>
  checkTaskDefinition('job/taskdef.json', JSON.stringify(td, null, 2), repo).issues
    .filter((i) => i.rule === 'task-definition-key' || i.rule === 'task-definition-schema')
    .map((i) => [i.severity, i.file, i.line, i.path, i.message]);

test('misspelt container keys are errors with the key meant, at their file, line and field', () => {
  assert.equal(check({
    cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile', comand: ['python', 'main.py'], enviroment: [{ name: 'A', value: '1' }] }],
  }), [
    ['error', 'job/taskdef.json', 8, 'containerDefinitions[0].comand', 'unknown key "comand" in container "main"; did you mean "command"?'],
    ['error', 'job/taskdef.json', 12, 'containerDefinitions[0].enviroment', 'unknown key "enviroment" in container "main"; did you mean "environment"?'],
  ]);
});

test('a misspelt containerDefinitions is named with the key meant, before the missing one', () => {
  const issues = check({ cpu: '256', memory: '512', containerDefinition: [{ name: 'main', dockerfilePath: 'job/Dockerfile' }] });
  assert.equal(issues[0], ['error', 'job/taskdef.json', 4, 'containerDefinition', 'unknown key "containerDefinition" in the task definition; did you mean "containerDefinitions"?']);
});

test('an unknown key far from any ECS field is a warning; fields the console view adds say so', () => {
  assert.equal(check({
    cpu: '256', memory: '512', revision: 3, owner: 'team-a',
    containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile', notes: 'x' }],
  }), [
    ['warning', 'job/taskdef.json', 4, 'revision', '"revision" in the task definition is a field ECS returns when it describes a task definition, not one it registers; it is ignored'],
    ['warning', 'job/taskdef.json', 5, 'owner', 'unknown key "owner" in the task definition: ECS does not take it and it is dropped when the task definition is registered'],
    ['warning', 'job/taskdef.json', 10, 'containerDefinitions[0].notes', 'unknown key "notes" in container "main": ECS does not take it and it is dropped when the task definition is registered'],
  ]);
});

test('every ECS field and dockerfilePath pass', () => {
  assert.equal(check({
    family: 'f', cpu: '256', memory: '512', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], pidMode: 'task',
    runtimePlatform: { cpuArchitecture: 'X86_64' }, ephemeralStorage: { sizeInGiB: 21 }, enableFaultInjection: false,
    containerDefinitions: [
      { name: 'main', dockerfilePath: 'job/Dockerfile', command: ['a'], entryPoint: ['b'], environment: [], workingDirectory: '/app', user: '1000', healthCheck: { command: ['true'] }, ulimits: [], dockerLabels: {} },
      { name: 'side', image: 'busybox', essential: false, portMappings: [], readonlyRootFilesystem: true, restartPolicy: { enabled: false } },
    ],
  }), []);
});

test.run();
