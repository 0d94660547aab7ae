import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadWorkflows, validateWorkflowFile } from '../../src/workflow/load.js';
import { formatPath, ruleNames, sortIssues } from '../../src/workflow/issue.js';
import { parseJson, parseYaml } from '../../src/workflow/source.js';
import { decode } from '../../src/workflow/decode.js';
import { Workflow } from '../../src/workflow/model.js';
import { TaskDefinitionCodec } from '../../src/taskdef/model.js';
import { suggestion } from '../../src/workflow/rule.js';
import { artifactNameProblem, branchPatternProblem, cronScheduleProblem } from '../../src/workflow/rules-workflow.js';
import { memorySnapshot } from './fs-snapshot.js';

const taskdef = JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile' }] });
const repo = (workflow: string, extra: Record<string, string> = {}) =>
  memorySnapshot({ 'hyperp-workflows/w.yaml': workflow, 'job/taskdef.json': taskdef, 'job/Dockerfile': 'FROM scratch\n', ...extra });

const paths = suite('field paths and positions');

paths('formatPath writes keys, indexes and quoted odd keys', () => {
  assert.is(formatPath(['jobs', 2, 'dependsOn', 0]), 'jobs[2].dependsOn[0]');
  assert.is(formatPath([]), '');
  assert.is(formatPath(['a b', 0]), '["a b"][0]');
});

paths('YAML positions point at values, keys, and the enclosing mapping of a missing key', () => {
  const r = parseYaml('workflowName: w\njobs:\n  - jobName: a\n    dependsOn: [x, "y"]\n');
  assert.ok(r.ok);
  if (!r.ok) return;
  const at = r.source.position;
  assert.equal(at(['jobs', 0, 'dependsOn', 1]), { line: 4, column: 20 });
  assert.equal(at(['jobs', 0, 'dependsOn'], { key: true }), { line: 4, column: 5 });
  assert.equal(at(['jobs', 0, 'taskDefinitionPath']), { line: 3, column: 5 });
  assert.equal(at(['jobs', 7]), { line: 3, column: 3 });
  assert.equal(at([]), { line: 1, column: 1 });
});

paths('positions point at the text of the value, on random workflows in any YAML style', () => {
  const name = fc.stringMatching(/^[a-z][a-z *()/+-]{0,8}[a-z]$/);
  fc.assert(
    fc.property(fc.array(fc.record({ jobName: name, dependsOn: fc.array(name, { maxLength: 3 }) }), { minLength: 1, maxLength: 5 }), fc.boolean(), (jobs, flow) => {
      const text = stringify({ workflowName: 'w', jobs }, flow ? { collectionStyle: 'flow' } : {});
      const parsed = parseYaml(text);
      assert.ok(parsed.ok);
      if (!parsed.ok) return;
      const lines = text.split('\n');
      const textAt = (p: { line: number; column: number } | undefined) => lines[p!.line - 1]!.slice(p!.column - 1);
      jobs.forEach((j, k) => {
        assert.ok(textAt(parsed.source.position(['jobs', k, 'jobName'])).replace(/^"/, '').startsWith(j.jobName), text);
        assert.ok(textAt(parsed.source.position(['jobs', k, 'jobName'], { key: true })).startsWith('jobName'));
        j.dependsOn.forEach((d, i) => assert.ok(textAt(parsed.source.position(['jobs', k, 'dependsOn', i])).replace(/^"/, '').startsWith(d)));
      });
    }),
    { numRuns: 100 },
  );
});

paths('JSON positions and syntax errors carry line and column', () => {
  const ok = parseJson('{\n  "a": [1, {"b": true}]\n}');
  assert.equal(ok.ok && ok.source.position(['a', 1, 'b']), { line: 2, column: 18 });
  assert.equal(parseJson('{\n  "a": 1\n  "b": 2\n}'), { ok: false, problems: [{ message: 'comma expected at ""b""', line: 3, column: 3 }] });
  assert.equal(parseJson(''), { ok: false, problems: [{ message: 'value expected', line: 1, column: 1 }] });
});

paths.run();

const schema = suite('decoding');

schema('one readable problem per field, unions described as a whole', () => {
  const d = decode(Workflow, { workflowName: 3, jobs: [{ jobName: 'a', taskDefinitionPath: 'p', imageBuildResources: { cpu: true, memory: 1 } }] });
  assert.equal(d, {
    ok: false,
    problems: [
      { path: ['workflowName'], missing: false, message: 'must be a string, not 3' },
      { path: ['jobs', 0, 'imageBuildResources', 'cpu'], missing: false, message: 'must be a number or a numeric string, not true' },
    ],
  });
  assert.equal(decode(Workflow, ['x']), { ok: false, problems: [{ path: [], missing: false, message: 'must be a mapping, not a list' }] });
  assert.equal(decode(TaskDefinitionCodec, { cpu: true, containerDefinitions: [{ name: 'a', environment: [{ name: 'X' }] }] }), {
    ok: false,
    problems: [
      { path: ['containerDefinitions', 0, 'environment', 0, 'value'], missing: true, message: 'is required (a string)' },
      { path: ['cpu'], missing: false, message: 'must be a string or a number, not true' },
    ],
  });
});

schema('jobs missing, empty (`jobs:`) or [] are the jobs-empty rule; a mapping is a schema error', () => {
  const issues = (text: string) => validateWorkflowFile('hyperp-workflows/w.yaml', text, repo('')).issues.map((i) => [i.rule, i.path, i.line, i.column, i.message]);
  const empty = 'the workflow has no jobs; list at least one under "jobs"';
  assert.equal(issues('workflowName: w\n'), [['jobs-empty', '', 1, 1, empty]]);
  assert.equal(issues('workflowName: w\njobs:\n'), [['jobs-empty', 'jobs', 2, 6, empty]]);
  assert.equal(issues('workflowName: w\njobs: []\n'), [['jobs-empty', 'jobs', 2, 7, empty]]);
  assert.equal(issues('workflowName: w\njobs: {}\n'), [['schema', 'jobs', 2, 7, 'jobs must be a list or empty, not a mapping']]);
});

schema('an empty file and a list at the top are schema errors at line 1', () => {
  assert.equal(validateWorkflowFile('w.yaml', '# nothing\n', repo('')).issues, [
    { severity: 'error', file: 'w.yaml', path: '', line: 1, column: 1, message: 'the file is empty; a workflow needs at least workflowName and jobs', rule: 'schema' },
  ]);
  assert.equal(validateWorkflowFile('w.yaml', '- a\n', repo('')).issues, [
    { severity: 'error', file: 'w.yaml', path: '', line: 1, column: 1, message: 'the workflow must be a mapping, not a list', rule: 'schema' },
  ]);
});

schema.run();

const rules = suite('rule helpers');

rules('did-you-mean suggests only close keys', () => {
  assert.is(suggestion('dependOn', ['jobName', 'dependsOn']), 'dependsOn');
  assert.is(suggestion('depends_on', ['jobName', 'dependsOn']), 'dependsOn');
  assert.is(suggestion('TaskDefinitionPath', ['taskDefinitionPath']), 'taskDefinitionPath');
  assert.is(suggestion('schedule', ['jobName', 'dependsOn']), undefined);
  assert.is(suggestion('x', []), undefined);
  // A one-letter name is not a typo of another one-letter name; two letters may differ by one.
  assert.is(suggestion('y', ['x']), undefined);
  assert.is(suggestion('ab', ['ac']), 'ac');
});

rules('branch patterns, artifact names, cron schedules and repo paths', () => {
  assert.equal(['**', 'main', '!release/**', 'feature/[a-z]*', 'v+([0-9])'].map(branchPatternProblem), [undefined, undefined, undefined, undefined, undefined]);
  assert.equal(['', '!', 'a b', 'a..b', 'x]', '[]', 'a:b'].map((p) => branchPatternProblem(p) !== undefined), [true, true, true, true, true, true, true]);
  assert.equal(['notes', 'my notes', '.', '..', 'a/b', ''].map((n) => artifactNameProblem(n) === undefined), [true, true, false, false, false, false]);
  assert.equal(
    ['0 3 * * *', '*/15 * * * MON-FRI', '0 0 1 * ?', '@daily', '0 3 * * * *', '0 25 * * *', '0 0 1 * MON'].map((c) => cronScheduleProblem(c) === undefined),
    [true, true, true, false, false, false, false],
  );
});

rules('every-negative branch filters warn that nothing matches, and the workflow still loads', () => {
  const r = loadWorkflows(repo('workflowName: w\nbranches: ["!main"]\njobs:\n  - jobName: a\n    taskDefinitionPath: job/taskdef.json\n'));
  assert.equal(r.workflows.map((w) => w.branches), [['!main']]);
  assert.equal(r.issues.map((i) => [i.severity, i.rule, i.path]), [['warning', 'branch-pattern', 'branches']]);
});

rules('keys other tools use (name, needs, on) point at hyperp\'s', () => {
  const r = loadWorkflows(repo('workflowName: w\non: push\njobs:\n  - name: a\n    jobName: a\n    taskDefinitionPath: job/taskdef.json\n    needs: [b]\n'));
  assert.equal(r.issues.map((i) => [i.path, i.message]), [
    ['on', 'unknown key "on" in the workflow; did you mean "triggers"?'],
    ['jobs[0].name', 'unknown key "name" in jobs[0]; did you mean "jobName"?'],
    ['jobs[0].needs', 'unknown key "needs" in jobs[0]; did you mean "dependsOn"?'],
  ]);
});

rules('dependsOn: a job is never suggested as its own dependency, and a repeated self-dependency is reported once', () => {
  const r = loadWorkflows(repo('workflowName: w\njobs:\n  - jobName: build\n    taskDefinitionPath: job/taskdef.json\n    dependsOn: [build, bild, build]\n'));
  assert.equal(r.issues.map((i) => [i.rule, i.path, i.message]), [
    ['self-dependency', 'jobs[0].dependsOn[0]', 'job "build" depends on itself'],
    ['unknown-dependency', 'jobs[0].dependsOn[1]', 'job "build" depends on "bild", which is not a job of this workflow'],
    ['duplicate-dependency', 'jobs[0].dependsOn[2]', 'job "build" lists "build" in dependsOn more than once'],
  ]);
});

rules.run();

const load = suite('loadWorkflows');

load('defaults, "./" paths, vCPU/GB sizes and triggers are normalised', () => {
  const r = loadWorkflows(
    repo(
      'workflowName: w\ntriggers:\n  push: false\n  cron: [{schedule: "0 3 * * *", timezone: UTC}]\nfailFast: true\njobs:\n' +
        '  - jobName: a\n    taskDefinitionPath: ./job/taskdef.json\n    imageBuildResources: {cpu: 1 vCPU, memory: 2 GB}\n    timeoutSeconds: 60\n' +
        '  - jobName: b\n    taskDefinitionPath: job/taskdef.json\n    dependsOn: [a]\n    retries: 2\n',
    ),
  );
  assert.equal(r.issues, []);
  const [w] = r.workflows;
  assert.equal({ ...w!, jobs: w!.jobs.map(({ taskDefinition: _, ...j }) => j) }, {
    file: 'hyperp-workflows/w.yaml',
    name: 'w',
    branches: ['**'],
    sharedArtifacts: [],
    failFast: true,
    triggers: { push: false, manual: true, cron: [{ schedule: '0 3 * * *', timezone: 'UTC' }] },
    jobs: [
      { name: 'a', taskDefinitionPath: 'job/taskdef.json', dependsOn: [], concurrency: 1, retries: 0, timeoutSeconds: 60, downloadable: false, imageBuildResources: { cpu: 1024, memory: 2048 } },
      { name: 'b', taskDefinitionPath: 'job/taskdef.json', dependsOn: ['a'], concurrency: 1, retries: 2, downloadable: false },
    ],
  });
});

load('a task definition shared by two workflows is reported once; only error-free workflows load', () => {
  const bad = JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main' }] });
  const wf = (n: string, td: string) => `workflowName: ${n}\njobs:\n  - jobName: a\n    taskDefinitionPath: ${td}\n`;
  const r = loadWorkflows(
    memorySnapshot({
      'hyperp-workflows/one.yaml': wf('one', 'bad.json'),
      'hyperp-workflows/two.yml': wf('two', 'bad.json'),
      'hyperp-workflows/three.yaml': wf('three', 'good.json'),
      'hyperp-workflows/nested/ignored.yaml': 'not: read',
      'bad.json': bad,
      'good.json': JSON.stringify({ cpu: 256, memory: 512, containerDefinitions: [{ name: 'main', image: 'busybox' }] }),
    }),
  );
  assert.equal(r.workflows.map((w) => [w.name, w.jobs[0]!.taskDefinition.cpu]), [['three', '256']]);
  assert.equal(r.issues.map((i) => [i.file, i.rule]), [['bad.json', 'container-image']]);
});

load('a job with several containers, built and given, is valid; task sizes and Dockerfile paths are normalised', () => {
  const td = JSON.stringify({
    cpu: '1 vCPU',
    memory: '2 GB',
    containerDefinitions: [
      { name: 'app', dockerfilePath: './app/Dockerfile' },
      { name: 'worker', dockerfilePath: 'worker/Dockerfile', essential: false },
      { name: 'proxy', image: 'public.ecr.aws/nginx/nginx:1.27' },
    ],
  });
  const r = loadWorkflows(
    memorySnapshot({
      'hyperp-workflows/w.yaml': 'workflowName: w\njobs:\n  - jobName: a\n    taskDefinitionPath: td.json\n',
      'td.json': td,
      'app/Dockerfile': 'FROM scratch\n',
      'worker/Dockerfile': 'FROM scratch\n',
    }),
  );
  assert.equal(r.issues, []);
  const got = r.workflows[0]!.jobs[0]!.taskDefinition;
  assert.equal(got, {
    cpu: '1024',
    memory: '2048',
    containerDefinitions: [
      { name: 'app', dockerfilePath: 'app/Dockerfile' },
      { name: 'worker', dockerfilePath: 'worker/Dockerfile', essential: false },
      { name: 'proxy', image: 'public.ecr.aws/nginx/nginx:1.27' },
    ],
  });
});

load('a task definition of more than ten containers is refused (the ECS quota); ten are fine', () => {
  const td = (n: number) => JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: Array.from({ length: n }, (_, k) => ({ name: `c${k}`, image: 'busybox' })) });
  const load = (n: number) => loadWorkflows(repo('workflowName: w\njobs:\n  - jobName: a\n    taskDefinitionPath: job/taskdef.json\n', { 'job/taskdef.json': td(n) }));
  assert.equal(load(10).issues, []);
  assert.equal(load(11).issues.map((i) => [i.file, i.rule, i.path, i.message]), [
    ['job/taskdef.json', 'task-definition-schema', 'containerDefinitions', 'containerDefinitions holds 11 containers; ECS takes at most 10 per task definition'],
  ]);
});

load('Windows tasks take X86_64 only', () => {
  const td = (arch: string) => JSON.stringify({ cpu: '1024', memory: '2048', runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: arch }, containerDefinitions: [{ name: 'c', image: 'mcr.microsoft.com/windows/servercore:ltsc2022' }] });
  const load = (arch: string) => loadWorkflows(repo('workflowName: w\njobs:\n  - jobName: a\n    taskDefinitionPath: job/taskdef.json\n', { 'job/taskdef.json': td(arch) }));
  assert.equal(load('X86_64').issues, []);
  assert.equal(load('ARM64').issues.map((i) => [i.path, i.message]), [['runtimePlatform.cpuArchitecture', 'Windows tasks on Fargate run on X86_64 only, not ARM64']]);
});

load('issues are sorted by file, line and column', () => {
  const issues = sortIssues([
    { severity: 'error', file: 'b', path: '', line: 1, column: 1, message: 'm', rule: 'schema' },
    { severity: 'error', file: 'a', path: '', line: 3, column: 1, message: 'm', rule: 'schema' },
    { severity: 'error', file: 'a', path: '', line: 2, column: 9, message: 'm', rule: 'schema' },
  ]);
  assert.equal(issues.map((i) => [i.file, i.line]), [['a', 2], ['a', 3], ['b', 1]]);
});

load('never throws on arbitrary text, and every issue is well formed', () => {
  const check = (text: string) => {
    const r = loadWorkflows(repo(text));
    for (const i of r.issues) {
      assert.ok(ruleNames.includes(i.rule), i.rule);
      assert.ok(i.message.length > 0 && ['error', 'warning'].includes(i.severity));
      if (i.line !== undefined) assert.ok(i.line >= 1 && i.column! >= 1);
    }
    return r;
  };
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => void check(s)), { numRuns: 150 });
  assert.equal(check('*!').issues.map((i) => i.rule), ['yaml-syntax']);
  assert.equal(check('a: &x [*x]\njobs: *x\n').issues.map((i) => i.rule), ['schema', 'unknown-key', 'schema']);
  // Structured input close to a real workflow reaches the deeper rules.
  const name = fc.constantFrom('a', 'b', 'c', '', '..', 'a/b', 'x\uD800', 'r'.repeat(300));
  const job = fc.record(
    {
      jobName: name,
      taskDefinitionPath: fc.constantFrom('job/taskdef.json', 'nope.json', '../x'),
      dependsOn: fc.array(name, { maxLength: 3 }),
      concurrency: fc.oneof(fc.integer({ min: -2, max: 200 }), fc.constant('2')),
      imageBuildResources: fc.record({ cpu: fc.constantFrom(256, 512, '1 vCPU', 'x'), memory: fc.constantFrom(512, 4096, '2 GB') }),
      dependOn: fc.constant(['a']),
    },
    { requiredKeys: ['jobName'] },
  );
  const artifacts = fc.record({ shared: fc.array(fc.record({ name }), { maxLength: 2 }) });
  const workflow = fc.record({ workflowName: fc.constantFrom('w', 3, '\uDC00'), jobs: fc.array(job, { maxLength: 4 }), artifacts }, { requiredKeys: [] });
  fc.assert(fc.property(workflow, (w) => void check(stringify(w))), { numRuns: 150 });
});

load.run();
