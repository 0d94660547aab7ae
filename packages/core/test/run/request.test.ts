// The documented path from files to a run: snapshotFromFiles → loadWorkflows → planWorkflow →
// runRequested → reduce, and the constructor's refusals, each naming its field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { snapshotFromFiles } from '../../src/repo/from-files.js';
import { loadWorkflows } from '../../src/workflow/load.js';
import { planPush, planWorkflow } from '../../src/plan/plan.js';
import { imageStoreOf } from '../../src/plan/image-store.js';
import { runRequested, type RunRequestInput } from '../../src/run/request.js';
import { runSettings } from '../../src/run/settings.js';
import { reduce } from '../../src/run/reduce.js';
import { initialState } from '../../src/run/state.js';
import type { WorkflowPlan } from '../../src/plan/types.js';

const taskdef = (name: string) => JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name, dockerfilePath: `${name}/Dockerfile`, essential: true }] });
const files = {
  'hyperp-workflows/hello.yaml': 'workflowName: hello\nbranches: [main]\njobs:\n  - jobName: greet\n    taskDefinitionPath: greet/taskdef.json\n  - jobName: shout\n    taskDefinitionPath: shout/taskdef.json\n    dependsOn: [greet]\n',
  'greet/taskdef.json': taskdef('greet'),
  'greet/Dockerfile': 'FROM node:22-alpine\nCOPY main.js .\nCMD ["node", "main.js"]\n',
  'greet/main.js': 'console.log("hello")\n',
  'shout/taskdef.json': taskdef('shout'),
  'shout/Dockerfile': 'FROM node:22-alpine\nCOPY main.js .\nCMD ["node", "main.js"]\n',
  'shout/main.js': 'console.log("HELLO")\n',
};
const { snapshot } = snapshotFromFiles({ commit: 'a'.repeat(40), files: Object.entries(files).map(([path, content]) => ({ path, content })) });
const loaded = loadWorkflows(snapshot);
const workflow = loaded.workflows[0]!;
const planned = planWorkflow({ snapshot, images: imageStoreOf([]), builderVersion: 'builder-1' }, workflow);
if (!planned.ok) throw new Error('the fixture plans');
const plan = planned.value;
const settings = runSettings({ render: { region: 'us-east-1', imageRepository: 'registry.example/hyperp', efs: { fileSystemId: 'fs-1', rootDirectory: '/' }, logGroup: 'hyperp' } });
const input: RunRequestInput = { runId: 'run-1', at: 1_700_000_000_000, snapshot, branch: 'main', workflow, plan, settings };

test('files become a run: load, plan, request, and the reducer starts building both images', () => {
  assert.equal(loaded.issues, []);
  const r = runRequested(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  assert.equal(
    { commit: r.value.commit, dirty: r.value.dirty, trigger: r.value.trigger, reuse: r.value.reuse, plan: r.value.plan === plan },
    { commit: 'a'.repeat(40), dirty: false, trigger: { kind: 'manual', requestedBy: null }, reuse: [], plan: true },
  );
  const [state, commands] = reduce(initialState(), r.value);
  assert.is(state.status, 'BUILDING');
  assert.equal(commands.filter((c) => c._tag === 'BuildImage').map((c) => c._tag === 'BuildImage' && c.dockerfilePath), ['greet/Dockerfile', 'shout/Dockerfile']);
});

test('a whole Plan gives the workflow its own plan', () => {
  const whole = planPush({ workflows: loaded.workflows, branch: 'main', snapshot, images: imageStoreOf([]), builderVersion: 'builder-1' });
  if (!whole.ok) throw new Error('plans');
  const r = runRequested({ ...input, plan: whole.value });
  assert.ok(r.ok && r.value.plan.name === 'hello');
  const none = runRequested({ ...input, plan: { ...whole.value, workflows: [] } });
  assert.equal(none.ok ? [] : none.issues, [{ field: 'plan.workflows', message: 'the plan has no workflow "hello"' }]);
});

test('workflow files with errors are issues naming the file, line and field, not workflows', () => {
  const bad = snapshotFromFiles({ commit: 'c', files: [{ path: 'hyperp-workflows/x.yaml', content: 'workflowName: x\njobs:\n  - jobName: a\n    taskDefinitionPath: a.json\n    concurrency: "two"\n' }] });
  const r = loadWorkflows(bad.snapshot);
  assert.equal(r.workflows, []);
  const issue = r.issues.find((i) => i.path === 'jobs[0].concurrency');
  assert.equal(issue && [issue.file, issue.line, issue.severity], ['hyperp-workflows/x.yaml', 5, 'error']);
});

test('a request whose plan is of another workflow, or of other jobs or containers, is refused naming the field', () => {
  const other = (p: Partial<WorkflowPlan>) => runRequested({ ...input, plan: { ...plan, ...p } });
  const issues = (r: ReturnType<typeof runRequested>) => (r.ok ? [] : r.issues);
  assert.equal(issues(other({ name: 'bye' })), [{ field: 'plan.name', message: 'the plan is of workflow "bye", not "hello"' }]);
  assert.equal(issues(other({ jobs: [plan.jobs[0]!] })), [{ field: 'plan.jobs', message: 'job "shout" builds images but has no plan' }]);
  assert.equal(issues(other({ jobs: [plan.jobs[0]!, { ...plan.jobs[1]!, images: [] }, { name: 'ghost', action: 'reuse', images: [] }] })), [
    { field: 'plan.jobs[1].images', message: 'container "shout" of job "shout" has no planned image' },
    { field: 'plan.jobs[2]', message: 'workflow "hello" has no job "ghost"' },
  ]);
  assert.equal(issues(other({ jobs: [plan.jobs[0]!, { ...plan.jobs[1]!, images: [{ ...plan.jobs[1]!.images[0]!, container: 'sidecar' }] }] })), [
    { field: 'plan.jobs[1].images', message: 'container "shout" of job "shout" has no planned image' },
    { field: 'plan.jobs[1].images[0]', message: 'job "shout" has no container "sidecar" built from a Dockerfile' },
  ]);
});

test('a request with a missing id, a time that is not one, or a mistyped setting is refused naming each field', () => {
  const r = runRequested({ ...input, runId: '', at: Number.NaN, snapshot: { commit: '', dirty: false } });
  assert.equal(r.ok ? [] : r.issues.map((i) => i.field), ['runId', 'at', 'snapshot.commit']);
  const s = runRequested({ ...input, settings: { ...settings, spot: 'yes' as unknown as boolean } });
  assert.equal(s.ok ? [] : s.issues, [{ field: 'settings.spot', message: 'RunRequested: "settings.spot" must be boolean, not string' }]);
});

test.run();
