// ECS refuses a task definition over 64 KiB. hyperp adds a mount point per container for each of
// a job's dependencies, so a wide fan-in can push a small file past it: validation (and so the
// planner) renders each job as a deployment would register it and refuses it with its file and field.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { MAX_TASK_DEFINITION_BYTES, registeredTaskDefinitionBytes } from '../../src/render/size.js';
import { loadWorkflows } from '../../src/workflow/load.js';
import { memorySnapshot } from '../workflow/fs-snapshot.js';

const s = suite('task-definition size');

const taskdef = (containers: number) =>
  JSON.stringify({
    cpu: '256',
    memory: '512',
    containerDefinitions: Array.from({ length: containers }, (_, k) => ({ name: `c${k}`, dockerfilePath: 'job/Dockerfile' })),
  });

/** `sink` depends on `fanIn` jobs, each a one-container job; `sink` has `containers` containers. */
const fanIn = (deps: number, containers: number) => {
  const sources = Array.from({ length: deps }, (_, k) => ({ jobName: `source-${k}`, taskDefinitionPath: 'job/one.json' }));
  const workflow = {
    workflowName: 'wide',
    jobs: [...sources, { jobName: 'sink', taskDefinitionPath: 'job/sink.json', dependsOn: sources.map((j) => j.jobName) }],
  };
  return memorySnapshot({
    'hyperp-workflows/wide.yaml': stringify(workflow),
    'job/one.json': taskdef(1),
    'job/sink.json': taskdef(containers),
    'job/Dockerfile': 'FROM scratch\n',
  });
};

const sizeIssues = (deps: number, containers: number) =>
  loadWorkflows(fanIn(deps, containers)).issues.filter((i) => i.rule === 'task-definition-size');

s('the limit is ECS\'s 64 KiB', () => {
  assert.is(MAX_TASK_DEFINITION_BYTES, 65_536);
});

s('200 dependencies of a one-container job, and 60 of a ten-container job, are refused at the job\'s dependsOn', () => {
  for (const [deps, containers] of [[200, 1], [60, 10]] as const) {
    const issues = sizeIssues(deps, containers);
    assert.is(issues.length, 1, `${deps} × ${containers}`);
    const i = issues[0]!;
    assert.equal([i.severity, i.file, i.path], ['error', 'hyperp-workflows/wide.yaml', `jobs[${deps}].dependsOn`]);
    assert.match(i.message, /^job "sink": the task definition hyperp registers for it is about \d+ KiB/);
    assert.match(i.message, /ECS takes at most 64 KiB/);
    assert.match(i.message, new RegExp(`${deps} dependencies`));
    assert.ok(typeof i.line === 'number');
  }
  // The workflow does not load: a run would only fail when the job registers.
  assert.is(loadWorkflows(fanIn(200, 1)).workflows.length, 0);
});

s('a wide but fitting fan-in passes, and the estimate covers what a deployment registers', () => {
  assert.equal(sizeIssues(60, 1), []);
  assert.equal(sizeIssues(20, 10), []);
  const loaded = loadWorkflows(fanIn(60, 1));
  const sink = loaded.workflows[0]!.jobs.find((j) => j.name === 'sink')!;
  const bytes = registeredTaskDefinitionBytes(loaded.workflows[0]!, sink);
  assert.ok(bytes > 20_000 && bytes < MAX_TASK_DEFINITION_BYTES, String(bytes));
});

s.run();
