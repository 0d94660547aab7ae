// Text from a repository or a job reaches the terminal escaped: a bidi control (U+202E) in a
// job or workflow name, an escape sequence in a name, a reason or a result, printed raw,
// reorders or rewrites what a person reads. And environment names no process can receive
// ("A=B", "") are refused by validate and run, not at run time by the sandbox.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { terminalSafe, terminalSafeLines } from '../../src/views/terminal-text.js';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

const Text = suite('terminalSafe');

Text('controls, bidi controls, separators and unpaired surrogates are escaped visibly', () => {
  assert.is(terminalSafe('a\u202Eexe.txt'), 'a\\u202eexe.txt');
  assert.is(terminalSafe('\u2066\u2067\u2068\u2069\u202A\u202B\u202C\u202D\u200E\u200F\u061C'), '\\u2066\\u2067\\u2068\\u2069\\u202a\\u202b\\u202c\\u202d\\u200e\\u200f\\u061c');
  assert.is(terminalSafe('\x1b]0;owned\x07\x1b[2J\r\n\t\0\x7f\x9b'), '\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x0a\\x09\\x00\\x7f\\x9b');
  assert.is(terminalSafe('x\uD800y\uDC00z'), 'x\\ud800y\\udc00z');
  assert.is(terminalSafe('line\u2028sep\u2029'), 'line\\u2028sep\\u2029');
});

Text('ordinary text is unchanged: accents, CJK, emoji (surrogate pairs), quotes, backslashes', () => {
  const s = 'été 計算 😀 "x * y" C:\\dir ~/a b';
  assert.is(terminalSafe(s), s);
});

Text('terminalSafeLines keeps the newlines of a message and escapes the rest', () => {
  assert.is(terminalSafeLines('one \u202Eline\ntwo\r\x1b[1A'), 'one \\u202eline\ntwo\\x0d\\x1b[1A');
});

const Cli = suite('the commands');

const RLO = '\u202E';
const job = `report${RLO}fdp.exe`;
const repo = makeRepo([
  { name: 'Generate', script: 'print(7)\n' },
  { name: job, dependsOn: ['Generate'], script: 'open("/output/v", "w").write("7\\x1b[2J")\n' },
]);
const dirty = (s: string): boolean => s.includes(RLO) || s.includes('\x1b[2J');

Cli('run, runs show, runs list, cost, plan, graph and validate print the bidi name escaped (it was printed raw)', async () => {
  const outputs = [
    await hyperp(['run', '--repo', repo, '--engine', 'process']),
    await hyperp(['runs', 'show', 'last', '--repo', repo]),
    await hyperp(['runs', 'list', '--repo', repo]),
    await hyperp(['cost', 'last', '--repo', repo]),
    await hyperp(['plan', '--repo', repo]),
    await hyperp(['graph', '--repo', repo]),
  ];
  assert.is(outputs[0]!.code, 0, outputs[0]!.stderr);
  for (const o of outputs) {
    assert.not.ok(dirty(o.stdout) || dirty(o.stderr), JSON.stringify(o));
  }
  assert.ok(outputs[1]!.stdout.includes('report\\u202efdp.exe'));
  // A result file's escape sequence is shown, not obeyed.
  assert.ok(outputs[0]!.stdout.includes('result report\\u202efdp.exe/v: 7\\x1b[2J'), outputs[0]!.stdout);
  // JSON stays the data as it is.
  const json = JSON.parse((await hyperp(['runs', 'show', 'last', '--repo', repo, '--json'])).stdout) as { jobs: { name: string }[] };
  assert.is(json.jobs[1]!.name, job);
  // A message that quotes the name (an unknown dependency) is escaped too.
  writeFileSync(join(repo, 'hyperp-workflows/test.yaml'), `workflowName: test\njobs:\n  - jobName: a\n    taskDefinitionPath: job0/taskdef.json\n    dependsOn: ["${job}"]\n`);
  const v = await hyperp(['validate'], { cwd: repo });
  assert.is(v.code, 1);
  assert.not.ok(dirty(v.stdout));
  assert.match(v.stdout, /depends on "report\\u202efdp\.exe", which is not a job of this workflow/);
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process']);
  assert.is(r.code, 1);
  assert.not.ok(dirty(r.stderr), r.stderr);
});

Cli('environment names "A=B" and "" are refused by validate (file, line, field) and by run before anything runs (bwrap: setenv failed at run time)', async () => {
  const env = makeRepo([{ name: 'a', script: 'print(1)\n' }]);
  writeFileSync(join(env, 'job0/taskdef.json'), JSON.stringify({
    cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'main', dockerfilePath: 'job0/Dockerfile', environment: [{ name: 'A=B', value: 'C' }, { name: '', value: 'x' }] }],
  }, null, 1));
  const v = await hyperp(['validate'], { cwd: env });
  assert.equal([v.code, v.stdout], [1, [
    'job0/taskdef.json:10:14 error container "main" sets environment variable "A=B": a name cannot contain "=" (everything after the first "=" would be read as the value)',
    'job0/taskdef.json:14:14 error container "main" sets environment variable "": the name is empty',
    '2 errors, 0 warnings', ''].join('\n')]);
  const r = await hyperp(['run', '--engine', 'process'], { cwd: env });
  assert.is(r.code, 1);
  assert.match(r.stderr, /^error: the workflows have errors \(hyperp validate shows them all\):\n {2}job0\/taskdef.json:10:14 error container "main" sets environment variable "A=B"/);
  assert.not.match(r.stderr, /setenv/);
});

Text.run();
Cli.run();
