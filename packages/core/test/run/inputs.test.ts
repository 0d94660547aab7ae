// A run's inputs, as the reducer hands them to any adapter: inputs.json among the folders it
// asks for, a read-only /run/hyperp in each task definition, HYPERP_INPUT_<NAME> in each
// task's overrides. The same commands drive local runs and the AWS adapter.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent, RunRequested } from '../../src/run/events.js';
import type { Command } from '../../src/run/commands.js';
import { imageUri } from '../../src/names/images.js';
import { syntheticImageKey } from '../../src/sim/workflow.js';
import { arnOf, fold, request, T0 } from './support.js';

const plain = request();
const r: RunRequested = {
  ...plain,
  workflow: { ...plain.workflow, inputs: [{ name: 'n', type: 'number', required: false }, { name: 'day', type: 'string', required: false, default: 'mon' }] },
  inputs: { n: 3, day: 'mon' },
};
const events: RunEvent[] = [
  r,
  { _tag: 'DirectoriesEnsured', at: T0 + 1 },
  { _tag: 'ImageBuildSucceeded', at: T0 + 10, key: syntheticImageKey('a'), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey('a')), usage: null },
  { _tag: 'TaskDefinitionRegistered', at: T0 + 11, job: 'a', taskDefinitionArn: arnOf('a') },
];
const commandsOf = (evs: readonly RunEvent[]): Command[] => evs.flatMap((_, k) => [...fold(evs.slice(0, k + 1))[1]]);

const t = suite('run inputs in commands');

t('the folders asked for include the run folder and its inputs.json', () => {
  const ensure = commandsOf(events).find((c) => c._tag === 'EnsureDirectories');
  assert.ok(ensure && ensure._tag === 'EnsureDirectories');
  const runFolder = ensure.paths[ensure.paths.length - 1]!;
  assert.match(runFolder, /\/run$/);
  assert.equal(ensure.files, [{ path: `${runFolder}/inputs.json`, text: '{"n":3,"day":"mon"}\n' }]);
});

t('each task definition mounts the run folder read-only at /run/hyperp; each task gets HYPERP_INPUT_<NAME>', () => {
  const all = commandsOf(events);
  const register = all.find((c) => c._tag === 'RegisterTaskDefinition' && c.job === 'a');
  assert.ok(register && register._tag === 'RegisterTaskDefinition');
  const container = register.taskDefinition.containerDefinitions[0]!;
  assert.equal(container.mountPoints?.find((m) => m.containerPath === '/run/hyperp'), { sourceVolume: 'hyperp-run', containerPath: '/run/hyperp', readOnly: true });
  const runTask = all.find((c) => c._tag === 'RunTask' && c.job === 'a');
  assert.ok(runTask && runTask._tag === 'RunTask');
  assert.equal(runTask.overrides.containerOverrides[0]!.environment, [
    { name: 'TASK_INDEX', value: '1' }, { name: 'TASK_TOTAL_SIZE', value: '1' }, { name: 'HYPERP_INPUT_N', value: '3' }, { name: 'HYPERP_INPUT_DAY', value: 'mon' },
  ]);
});

t('a workflow without inputs gets neither the folder nor the variables', () => {
  const all = commandsOf([plain, ...events.slice(1)]);
  const ensure = all.find((c) => c._tag === 'EnsureDirectories');
  assert.ok(ensure && ensure._tag === 'EnsureDirectories' && ensure.files === undefined && !ensure.paths.some((p) => p.endsWith('/run')));
  const runTask = all.find((c) => c._tag === 'RunTask');
  assert.ok(runTask && runTask._tag === 'RunTask');
  assert.equal(runTask.overrides.containerOverrides[0]!.environment.map((e) => e.name), ['TASK_INDEX', 'TASK_TOTAL_SIZE']);
});

t.run();
