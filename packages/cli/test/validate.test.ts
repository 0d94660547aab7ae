import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hyperp } from './run-cli.js';

const fixtures = new URL('../../../fixtures/', import.meta.url).pathname;
const calculator = join(fixtures, 'calculator');
const cycle = join(fixtures, 'invalid', 'dependency-cycle');
const dirs: string[] = [];

const validate = suite('hyperp validate');

validate('the calculator fixture is valid: exit 0', async () => {
  assert.equal(await hyperp(['validate', '--repo', calculator]), {
    code: 0,
    stdout: '0 errors, 0 warnings; valid: calculator (4 jobs)\n',
    stderr: '',
  });
});

validate('errors print as file:line:col severity message, the file relative to the current directory, and exit 1', async () => {
  assert.equal(await hyperp(['validate', '--repo', cycle], { cwd: fixtures }), {
    code: 1,
    stdout:
      'invalid/dependency-cycle/hyperp-workflows/workflow.yaml:7:24 error jobs depend on each other in a cycle: "b" → "d" → "c" → "b" (each depends on the next)\n' +
      '1 error, 0 warnings\n',
    stderr: '',
  });
});

validate('a duplicate workflow name names both files and lines, and the summary calls neither valid (it said "1 error … valid: wf")', async () => {
  assert.equal(await hyperp(['validate'], { cwd: join(fixtures, 'invalid', 'duplicate-workflow-name') }), {
    code: 1,
    stdout:
      'hyperp-workflows/workflow.yaml:1:15 error workflow name "wf" is already used by hyperp-workflows/again.yml:1:15; workflow names must be unique\n' +
      '1 error, 0 warnings\n',
    stderr: '',
  });
});

validate('warnings alone exit 0', async () => {
  const r = await hyperp(['validate'], { cwd: join(fixtures, 'invalid', 'duplicate-dependency') });
  assert.equal(r, {
    code: 0,
    stdout: 'hyperp-workflows/workflow.yaml:7:20 warning job "b" lists "a" in dependsOn more than once\n0 errors, 1 warning; valid: wf (2 jobs)\n',
    stderr: '',
  });
});

validate('--json prints ok, workflows and issues', async () => {
  const ok = await hyperp(['validate', '--repo', calculator, '--json']);
  assert.is(ok.code, 0);
  assert.equal(JSON.parse(ok.stdout), {
    ok: true,
    workflows: [{ file: 'hyperp-workflows/calculator.yaml', name: 'calculator', jobs: ['Generate x', 'x * y', 'x / z', '(x * y) + (x / z)'] }],
    issues: [],
  });
  const bad = await hyperp(['validate', '--repo', join(fixtures, 'invalid', 'no-workflows'), '--json']);
  assert.equal(JSON.parse(bad.stdout), {
    ok: true,
    workflows: [],
    issues: [
      {
        severity: 'warning',
        file: 'hyperp-workflows',
        path: '',
        line: null,
        column: null,
        message: 'no workflow files: hyperp reads hyperp-workflows/*.yaml and hyperp-workflows/*.yml',
        rule: 'no-workflows',
      },
    ],
  });
  const expected = JSON.parse(readFileSync(join(cycle, 'expected.json'), 'utf8'));
  const failed = await hyperp(['validate', '--repo', cycle, '--json']);
  assert.is(failed.code, 1);
  assert.equal(JSON.parse(failed.stdout), { ok: false, workflows: [], issues: expected.issues });
});

validate('reads the working tree of a git repository, uncommitted files included, from the current directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-validate-'));
  dirs.push(dir);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  mkdirSync(join(dir, 'sub', 'hyperp-workflows'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'hyperp-workflows', 'w.yml'), 'workflowName: w\njobs:\n  - jobName: a\n    taskDefinitionPath: td.json\n');
  writeFileSync(join(dir, '.gitignore'), 'td.json\n');
  writeFileSync(join(dir, 'sub', 'td.json'), '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "a", "image": "busybox"}]}');
  const ignored = await hyperp(['validate'], { cwd: join(dir, 'sub') });
  assert.equal(ignored, {
    code: 1,
    stdout: 'hyperp-workflows/w.yml:4:25 error job "a" names task definition "td.json", which is not in the repository\n1 error, 0 warnings\n',
    stderr: '',
  });
  writeFileSync(join(dir, '.gitignore'), '');
  assert.equal(await hyperp(['validate', '--repo', 'sub'], { cwd: dir }), { code: 0, stdout: '0 errors, 0 warnings; valid: w (1 job)\n', stderr: '' });
  // --ref reads a commit: here the first one, before the workflow existed, then the next one.
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
  git('commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', '-A');
  git('commit', '-q', '-m', 'workflow');
  assert.equal(await hyperp(['validate', '--ref', 'HEAD~1'], { cwd: dir }), {
    code: 0,
    stdout: 'hyperp-workflows warning no workflow files: hyperp reads hyperp-workflows/*.yaml and hyperp-workflows/*.yml\n0 errors, 1 warning\n',
    stderr: '',
  });
  assert.equal((await hyperp(['validate', '--repo', join(dir, 'sub'), '--ref', 'HEAD'])).stdout, '0 errors, 0 warnings; valid: w (1 job)\n');
  assert.equal(await hyperp(['validate', '--repo', dir, '--ref', 'nope']), { code: 1, stdout: '', stderr: `error: nope is not a commit of the repository at ${dir}\n` });
});

validate('usage errors exit 2; a missing folder or a file as --repo exits 1', async () => {
  const usage = await hyperp(['validate', '--bogus']);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, "unknown option '--bogus'");
  const missing = await hyperp(['validate', '--repo', '/nonexistent/hyperp']);
  assert.equal(missing, { code: 1, stdout: '', stderr: 'error: --repo /nonexistent/hyperp: /nonexistent/hyperp does not exist\n' });
  const file = join(calculator, 'hyperp-workflows', 'calculator.yaml');
  for (const command of ['validate', 'graph', 'plan']) {
    assert.equal(await hyperp([command, '--repo', file]), { code: 1, stdout: '', stderr: `error: --repo ${file}: ${file} is a file, not a folder\n` }, command);
  }
});

validate('--json over every fixtures/invalid case: its expected issues, ok and the exit code follow the errors', async () => {
  const invalid = join(fixtures, 'invalid');
  for (const name of readdirSync(invalid).sort()) {
    const expected = JSON.parse(readFileSync(join(invalid, name, 'expected.json'), 'utf8')) as { issues: { severity: string; line?: number; column?: number }[] };
    // --json gives every issue a line and column, null when the issue has no position.
    const issues = expected.issues.map((i) => ({ ...i, line: i.line ?? null, column: i.column ?? null }));
    const errors = expected.issues.some((i) => i.severity === 'error');
    const r = await hyperp(['validate', '--repo', join(invalid, name), '--json']);
    const json = JSON.parse(r.stdout) as { ok: boolean; issues: unknown[] };
    assert.equal([r.code, json.ok, json.issues], [errors ? 1 : 0, !errors, issues], name);
  }
});

validate.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
validate('a named cron trigger\'s fixed inputs the workflow refuses are errors at the trigger\'s inputs, before the schedule fires', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-validate-cron-'));
  dirs.push(dir);
  cpSync(calculator, dir, { recursive: true, filter: (src) => !src.split('/').includes('.hyperp') });
  const yaml = join(dir, 'hyperp-workflows', 'calculator.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('jobs:', [
    'inputs:', '  - name: x', '    type: number', '    required: true',
    'triggers:', '  cron:', '    - schedule: "0 3 * * *"', '      name: nightly', '      inputs: { x: seven, y: 1 }', 'jobs:',
  ].join('\n')));
  const line = readFileSync(yaml, 'utf8').split('\n').findIndex((l) => l.includes('inputs: { x: seven')) + 1;
  assert.equal(await hyperp(['validate'], { cwd: dir }), {
    code: 1, stderr: '',
    stdout: `hyperp-workflows/calculator.yaml:${line}:15 error cron trigger "nightly": input "x" must be a number, not "seven"\n`
      + `hyperp-workflows/calculator.yaml:${line}:15 error cron trigger "nightly": the workflow declares no input "y"; it takes x\n`
      + '2 errors, 0 warnings\n',
  });
});

validate.run();

const graph = suite('hyperp graph');

graph('text by level is the default', async () => {
  assert.equal(await hyperp(['graph', '--repo', calculator]), {
    code: 0,
    stdout: [
      'workflow calculator (hyperp-workflows/calculator.yaml): 4 jobs in 3 levels',
      '  level 1',
      '    "Generate x"',
      '  level 2',
      '    "x * y" (2 tasks)  after "Generate x"',
      '    "x / z" (2 tasks)  after "Generate x"',
      '  level 3',
      '    "(x * y) + (x / z)"  after "x * y", "x / z"',
      '',
    ].join('\n'),
    stderr: '',
  });
});

graph('mermaid and dot', async () => {
  const mermaid = await hyperp(['graph', '--repo', calculator, '--format', 'mermaid', '--workflow', 'calculator']);
  assert.equal(mermaid, {
    code: 0,
    stdout: [
      'flowchart TD',
      '  w0j0["Generate x"]',
      '  w0j1["x * y ×2"]',
      '  w0j2["x / z ×2"]',
      '  w0j3["(x * y) + (x / z)"]',
      '  w0j0 --> w0j1',
      '  w0j0 --> w0j2',
      '  w0j1 --> w0j3',
      '  w0j2 --> w0j3',
      '',
    ].join('\n'),
    stderr: '',
  });
  const dot = await hyperp(['graph', '--repo', calculator, '--format', 'dot']);
  assert.is(dot.code, 0);
  assert.match(dot.stdout, /^digraph "calculator" \{\n/);
  assert.match(dot.stdout, '  "x * y" [label="x * y ×2"];\n');
  assert.match(dot.stdout, '  "x / z" -> "(x * y) + (x / z)";\n}\n');
  assert.is(dot.stdout.split('->').length - 1, 4);
});

graph('unknown workflow, invalid workflows and a bad format', async () => {
  assert.equal(await hyperp(['graph', '--repo', calculator, '--workflow', 'nope']), {
    code: 1,
    stdout: '',
    stderr: 'error: no workflow named "nope" (workflows: "calculator")\n',
  });
  assert.equal(await hyperp(['graph', '--repo', cycle], { cwd: cycle }), {
    code: 1,
    stdout: '',
    stderr:
      'error: the workflows have errors (hyperp validate shows them all):\n' +
      '  hyperp-workflows/workflow.yaml:7:24 error jobs depend on each other in a cycle: "b" → "d" → "c" → "b" (each depends on the next) (field jobs[1].dependsOn[1])\n',
  });
  assert.equal(await hyperp(['graph', '--repo', calculator, '--format', 'svg']), {
    code: 2,
    stdout: '',
    stderr: 'error: --format must be one of mermaid, dot, text, not "svg"\n',
  });
});

graph('a broken workflow file is reported with file, line and field, and does not stop the graph of the others (it blocked them)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-graph-'));
  dirs.push(dir);
  cpSync(calculator, dir, { recursive: true, filter: (src) => !src.split('/').includes('.hyperp') });
  writeFileSync(join(dir, 'hyperp-workflows', 'broken.yaml'), 'workflowName: broken\njobs:\n  - jobName: a\n    taskDefinitionPath: add/taskdef.json\n    retries: 99\n');
  const warning = 'warning: 1 workflow file has errors and was left out (hyperp validate shows them all):\n' +
    '  hyperp-workflows/broken.yaml:5:14 error retries of job "a" must be a whole number from 0 to 10, not 99 (field jobs[0].retries)\n';
  const one = await hyperp(['graph', '--workflow', 'calculator'], { cwd: dir });
  assert.equal([one.code, one.stderr, one.stdout.split('\n')[0]], [0, warning, 'workflow calculator (hyperp-workflows/calculator.yaml): 4 jobs in 3 levels']);
  const all = await hyperp(['graph'], { cwd: dir });
  assert.equal([all.code, all.stderr, all.stdout], [0, warning, one.stdout]);
  // validate still fails for it
  assert.is((await hyperp(['validate'], { cwd: dir })).code, 1);
  rmSync(dir, { recursive: true, force: true });
});

graph.run();
