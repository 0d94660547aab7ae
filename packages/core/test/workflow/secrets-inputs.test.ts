// Declared secrets and run inputs: what validation makes of them, how a run's values are
// checked, and that neither enters an image key.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { loadWorkflows } from '../../src/workflow/load.js';
import { jobImageKeys } from '../../src/plan/plan.js';
import { inputEnvironment, resolveInputs, type InputSpec } from '../../src/workflow/inputs.js';
import { memorySnapshot } from './fs-snapshot.js';

const taskdef = JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile' }] });
const repo = (workflow: string) =>
  memorySnapshot({ 'hyperp-workflows/w.yaml': workflow, 'job/taskdef.json': taskdef, 'job/Dockerfile': 'FROM scratch\nCOPY . /app\n', 'job/main.py': 'print(1)\n' });

const declared = `workflowName: w
secrets: [db_password]
inputs:
  - name: date
    required: true
    description: the day to backfill
  - name: limit
    type: number
    default: 10
  - name: dry
    type: boolean
    default: false
  - name: region
    type: choice
    options: [eu, us]
triggers:
  cron:
    - schedule: "0 3 * * *"
      name: nightly
      inputs: { date: yesterday, region: eu }
jobs:
  - jobName: a
    taskDefinitionPath: job/taskdef.json
    secrets:
      - api-key
      - name: db_password
        env: DB_PASSWORD
  - jobName: b
    taskDefinitionPath: job/taskdef.json
`;

const spec = suite('declaring secrets and inputs');

spec('the workflow\'s secrets reach every job, a job\'s own env ask wins; inputs are typed with their defaults', () => {
  const { workflows, issues } = loadWorkflows(repo(declared));
  assert.equal(issues.map((i) => [i.rule, i.severity, i.path]), [['secret-env', 'warning', 'jobs[0].secrets[1].env']]);
  const w = workflows[0]!;
  assert.equal(w.jobs.map((j) => j.secrets), [[{ name: 'db_password', env: 'DB_PASSWORD' }, { name: 'api-key' }], [{ name: 'db_password' }]]);
  assert.equal(w.inputs, [
    { name: 'date', type: 'string', required: true, description: 'the day to backfill' },
    { name: 'limit', type: 'number', required: false, default: 10 },
    { name: 'dry', type: 'boolean', required: false, default: false },
    { name: 'region', type: 'choice', required: false, options: ['eu', 'us'] },
  ]);
  assert.equal(w.triggers.cron, [{ schedule: '0 3 * * *', name: 'nightly', inputs: { date: 'yesterday', region: 'eu' } }]);
});

spec('a workflow without secrets or inputs has neither in its spec', () => {
  const w = loadWorkflows(repo('workflowName: w\njobs:\n  - jobName: a\n    taskDefinitionPath: job/taskdef.json\n')).workflows[0]!;
  assert.is(w.inputs, undefined);
  assert.is(w.jobs[0]!.secrets, undefined);
});

spec('inputs and secrets change no image key', () => {
  const plain = repo('workflowName: w\njobs:\n  - jobName: a\n    taskDefinitionPath: job/taskdef.json\n');
  const keyOf = (snap: ReturnType<typeof repo>) => {
    const job = loadWorkflows(snap).workflows[0]!.jobs[0]!;
    const r = jobImageKeys(snap, job, 'builder-1')[0]!.result;
    return E.isRight(r) ? r.right.key : 'error';
  };
  assert.match(keyOf(plain), /^[0-9a-f]{64}$/);
  assert.is(keyOf(repo(declared)), keyOf(plain));
});

spec.run();

const values = suite('run inputs against the declaration');
const inputs: InputSpec[] = [
  { name: 'date', type: 'string', required: true },
  { name: 'limit', type: 'number', required: false, default: 10 },
  { name: 'dry', type: 'boolean', required: false },
  { name: 'region', type: 'choice', required: false, options: ['eu', 'us'] },
];

values('text from the command line is read as each type asks; defaults fill in; an optional input without default stays absent', () => {
  assert.equal(resolveInputs(inputs, { date: '2026-01-01', limit: '2.5', dry: 'true' }), { ok: true, inputs: { date: '2026-01-01', limit: 2.5, dry: true } });
  assert.equal(resolveInputs(inputs, { date: 'x', region: 'us' }), { ok: true, inputs: { date: 'x', limit: 10, region: 'us' } });
});

values('wrong types, unknown names and missing required inputs are refused, each said once', () => {
  assert.equal(resolveInputs(inputs, { limit: 'ten', dry: 'yes', region: 'asia', dat: 'x' }), {
    ok: false,
    problems: [
      'the workflow declares no input "dat"; it takes date, limit, dry, region; did you mean "date"?',
      'input "date" is required (a string)',
      'input "limit" must be a number, not "ten"',
      'input "dry" must be true or false, not "yes"',
      'input "region" must be one of "eu", "us", not "asia"',
    ],
  });
  assert.equal(resolveInputs([], { a: '1' }), { ok: false, problems: ['the workflow declares no inputs, so it takes no "a"'] });
  assert.equal(resolveInputs(inputs, { date: 'x'.repeat(1025) }), { ok: false, problems: ['input "date" is 1025 characters long; at most 1024'] });
});

values('jobs get HYPERP_INPUT_<NAME> variables', () => {
  assert.equal(inputEnvironment({ date: 'd', limit: 3, dry: false }), [
    { name: 'HYPERP_INPUT_DATE', value: 'd' }, { name: 'HYPERP_INPUT_LIMIT', value: '3' }, { name: 'HYPERP_INPUT_DRY', value: 'false' },
  ]);
});

values.run();
