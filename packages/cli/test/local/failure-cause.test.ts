// End to end: a FAILED job says why in `run`'s summary and in `runs show` (process engine, bubblewrap).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hyperp } from '../run-cli.js';
import { makeRepo } from './repo.js';
import { hintFor } from '../../src/local/failure-cause.js';

const runText = (repo: string, ...more: string[]) => hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2', ...more]);
/** The lines printed under the job named, up to the next job's line. */
const under = (text: string, job: string): string[] => {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^ {2}[A-Z]+ +${job.replace(/[()*+?.]/g, '\\$&')} `).test(l));
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => /^ {2}[A-Z]/.test(l) || !l.startsWith('      '));
  return (end < 0 ? rest : rest.slice(0, end)).filter((l) => !/^ {6}task /.test(l)).map((l) => l.trim());
};
const runIdOf = (text: string): string => /^run (\S+) /m.exec(text)![1]!;

const failing = suite('failure causes');

failing('a missing interpreter: the sandbox\'s error, a hint and the logs command, in run and runs show; the skipped job names the one it waited for', async () => {
  const repo = makeRepo([{ name: 'calc', script: 'print(1)\n' }, { name: 'after', script: 'print(2)\n', dependsOn: ['calc'] }], {
    files: { 'job0/Dockerfile': 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nCMD ["no-such-python", "main.py"]\n' },
  });
  const r = await runText(repo);
  assert.is(r.code, 1);
  const id = runIdOf(r.stdout);
  const expected = [
    '| bwrap: execvp no-such-python: No such file or directory',
    'hint: "no-such-python" is not on this machine: the process engine runs the image\'s command with the host\'s programs; install it, or run with --engine docker',
    `whole log: hyperp logs ${id} calc --attempt 1`,
  ];
  assert.equal(under(r.stdout, 'calc'), expected);
  assert.match(r.stdout, /\n {2}SKIPPED +after .*— upstream job "calc" failed\n/);
  const shown = await hyperp(['runs', 'show', id, '--repo', repo]);
  assert.equal(under(shown.stdout, 'calc'), expected);
});

failing("the util-linux sandbox's missing-program error (env's) gets the same hint, naming the program", () => {
  assert.is(
    hintFor("env: 'no-such-python': No such file or directory\n", 127, false),
    '"no-such-python" is not on this machine: the process engine runs the image\'s command with the host\'s programs; install it, or run with --engine docker',
  );
});

failing('a missing module when the Dockerfile\'s RUN pip install was not executed; a DNS failure without --network; the log\'s last lines, made safe', async () => {
  const repo = makeRepo([
    { name: 'imports', script: 'import requests_not_installed_here\n' },
    { name: 'dns', script: 'import socket\nsocket.getaddrinfo("example.com", 80)\n' },
    { name: 'plain', script: 'import sys\nprint("step one")\nprint("bad \\x1b[31mthing")\nsys.exit(3)\n' },
  ]);
  const r = await runText(repo);
  assert.is(r.code, 1);
  const id = runIdOf(r.stdout);
  const imports = under(r.stdout, 'imports');
  assert.is(imports.at(-2), 'hint: a module is missing: the process engine does not execute the Dockerfile\'s RUN steps (its pip or npm install); install the modules on this machine, or run with --engine docker');
  assert.match(imports.at(-3)!, /^\| ModuleNotFoundError: No module named 'requests_not_installed_here'$/);
  assert.is(imports.at(-1), `whole log: hyperp logs ${id} imports --attempt 1`);
  assert.is(under(r.stdout, 'dns').at(-2), 'hint: a name did not resolve: local tasks have no network unless the run is started with --network');
  assert.equal(under(r.stdout, 'plain'), ['| step one', '| bad \\x1b[31mthing', `whole log: hyperp logs ${id} plain --attempt 1`]);
});

failing.run();
