// Input bounds: files too large, nested too deeply or too many are refused by validation with a
// clear message (file, and line where there is one), before any parser runs on them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inputBounds, nestingProblem, utf8Bytes } from '../../src/workflow/bounds.js';
import { loadWorkflows } from '../../src/workflow/load.js';
import type { RepoSnapshot } from '../../src/repo/snapshot.js';
import { memorySnapshot } from './fs-snapshot.js';

const taskdef = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile' }], ...extra }, null, 2);
const repo = (files: Record<string, string>): RepoSnapshot =>
  memorySnapshot({ 'job/Dockerfile': 'FROM scratch\n', 'job/taskdef.json': taskdef(), ...files });
const workflow = (jobs = 1, more = ''): string =>
  `workflowName: wf\n${more}jobs:\n${Array.from({ length: jobs }, (_, k) => `  - jobName: j${k}\n    taskDefinitionPath: job/taskdef.json\n`).join('')}`;
const issuesOf = (files: Record<string, string>, snapshot: RepoSnapshot = repo(files)) =>
  loadWorkflows(snapshot).issues.map(({ file, line, column, message, rule }) => ({ file, line, column, message, rule }));
const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);

const Nesting = suite('nesting');

Nesting('a task definition nested 6,000 deep (passed validate, then crashed hyperp run) is refused at the bracket past the bound', () => {
  const text = `{\n  "containerDefinitions": [{"name": "main", "dockerfilePath": "job/Dockerfile", "logConfiguration": {"options": ${nested(6000)}}}]\n}\n`;
  const issues = issuesOf({ 'hyperp-workflows/w.yaml': workflow(), 'job/taskdef.json': text });
  assert.equal(issues, [{
    file: 'job/taskdef.json', line: 2, column: 141, rule: 'input-bounds',
    message: 'values are nested more than 32 levels deep here; hyperp reads task definitions nested at most 32 levels (real ones use fewer than 10)',
  }]);
});

Nesting('a JSON file counts its exact depth: 32 levels pass, 33 do not', () => {
  assert.is(nestingProblem(nested(32)), undefined);
  assert.equal(nestingProblem(nested(33)), { line: 1, column: 33 });
  assert.equal(nestingProblem(`{"a": {"b": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}}`), undefined, 'brackets inside strings are text');
});

Nesting('YAML: flow brackets, indentation and compact "- - -" items all count; block scalars and plain text do not', () => {
  assert.equal(nestingProblem(`a: ${nested(40)}\n`), { line: 1, column: 35 });
  const block = Array.from({ length: 40 }, (_, k) => `${' '.repeat(k)}k:\n`).join('') + `${' '.repeat(40)}1\n`;
  assert.equal(nestingProblem(block), { line: 33, column: 33 });
  assert.equal(nestingProblem(`- ${'- '.repeat(40)}x\n`), { line: 1, column: 65 });
  const script = `run: |\n${Array.from({ length: 60 }, (_, k) => `  ${' '.repeat(k)}if x:\n`).join('')}note: it's [not (a flow [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n`;
  assert.is(nestingProblem(script), undefined);
});

Nesting('a deeply nested workflow file (flow style) is refused before the YAML parser runs', () => {
  const issues = issuesOf({ 'hyperp-workflows/w.yaml': `${workflow()}branches: ${nested(100_000)}\n` });
  assert.equal(issues.map((i) => [i.file, i.line, i.rule]), [['hyperp-workflows/w.yaml', 5, 'input-bounds']]);
  assert.match(issues[0]!.message, /^values are nested more than 32 levels deep here; hyperp reads workflow files nested at most 32 levels/);
});

Nesting('the real files stay far below the bound: ECS\'s deepest task-definition fields, the calculator', () => {
  const deepest = taskdef({ containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile', linuxParameters: { devices: [{ hostPath: '/dev/x', permissions: ['read'] }] } }] });
  assert.equal(issuesOf({ 'hyperp-workflows/w.yaml': workflow(1, 'triggers:\n  cron:\n    - schedule: "0 * * * *"\n'), 'job/taskdef.json': deepest }), []);
});

const Sizes = suite('sizes and counts');

Sizes('a 50 MB workflow file is refused by its listed size, without being read', () => {
  const base = repo({ 'hyperp-workflows/w.yaml': workflow() });
  const read: string[] = [];
  const snapshot: RepoSnapshot = { ...base, read: (p) => (read.push(p), base.read(p)), size: (p) => (p === 'hyperp-workflows/w.yaml' ? 50 * 1024 * 1024 : base.read(p)?.length) };
  assert.equal(issuesOf({}, snapshot), [{ file: 'hyperp-workflows/w.yaml', line: undefined, column: undefined, rule: 'input-bounds', message: 'the workflow file is 50.0 MiB; hyperp reads workflow files of at most 256.0 KiB' }]);
  assert.equal(read, []);
});

Sizes('without a listed size, the text is measured before it is parsed (UTF-8 bytes)', () => {
  const big = `${workflow()}workflowDescription: ${'é'.repeat(inputBounds.workflowFileBytes / 2)}\n`;
  assert.equal(issuesOf({ 'hyperp-workflows/w.yaml': big }).map((i) => i.message), ['the workflow file is 256.1 KiB; hyperp reads workflow files of at most 256.0 KiB']);
  assert.is(utf8Bytes('aé€😀'), 1 + 2 + 3 + 4);
});

Sizes('a task definition over ECS\'s 64 KiB is an error in its own file', () => {
  const td = taskdef({ tags: [{ key: 'pad', value: 'x'.repeat(64 * 1024) }] });
  assert.equal(issuesOf({ 'hyperp-workflows/w.yaml': workflow(), 'job/taskdef.json': td }).map((i) => [i.file, i.message]), [
    ['job/taskdef.json', 'the task definition is 64.2 KiB; ECS takes task definitions of at most 64.0 KiB'],
  ]);
});

Sizes('the task definitions of one workflow may total 1 MiB', () => {
  const files: Record<string, string> = {};
  const jobs: string[] = [];
  for (let k = 0; k < 20; k++) {
    files[`job/t${k}.json`] = taskdef({ tags: [{ key: 'pad', value: 'x'.repeat(60 * 1024) }] });
    jobs.push(`  - jobName: j${k}\n    taskDefinitionPath: job/t${k}.json\n`);
  }
  const issues = issuesOf({ ...files, 'hyperp-workflows/w.yaml': `workflowName: wf\njobs:\n${jobs.join('')}` });
  assert.equal(issues.map((i) => [i.file, i.line, i.message]), [
    ['hyperp-workflows/w.yaml', 3, "the task definitions of this workflow's jobs total 1.2 MiB; every run carries them, and a workflow's may total at most 1.0 MiB"],
  ]);
});

Sizes('at most 500 jobs per workflow and 100 workflow files per repository', () => {
  assert.equal(issuesOf({ 'hyperp-workflows/w.yaml': workflow(501) }).map((i) => [i.line, i.message]), [[3, 'the workflow has 501 jobs; a workflow may have at most 500']]);
  assert.equal(issuesOf({ 'hyperp-workflows/w.yaml': workflow(500) }), []);
  const many = Object.fromEntries(Array.from({ length: 101 }, (_, k) => [`hyperp-workflows/w${k}.yaml`, workflow().replace('wf', `wf${k}`)]));
  assert.equal(issuesOf(many).map((i) => [i.file, i.message]), [['hyperp-workflows', 'the repository has 101 workflow files; hyperp reads at most 100']]);
});

Nesting.run();
Sizes.run();
