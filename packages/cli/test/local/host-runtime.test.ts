// End to end: the original hyperp's Dockerfiles (`CMD [ "python", "main.py"]` on a python base)
// run on the process engine although the host has `python3` only; the run says which host
// runtime serves the image.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hyperp } from '../run-cli.js';
import { makeRepo } from './repo.js';

const e2e = suite('host runtime for python images');

/** The host's python3 (the one the sandbox shows), e.g. `3.11.2`. */
const hostPython = /\d+\.\d+\.\d+/.exec(execFileSync('/usr/bin/python3', ['--version'], { encoding: 'utf8' }))![0];
const [major, minor] = hostPython.split('.').map(Number) as [number, number];
const served = '/usr/bin/python3 (as "python")' + (existsSync('/usr/bin/pip3') ? ' and /usr/bin/pip3 (as "pip")' : '');
/** What the run says of an image FROM `base` (python `version`, or none). */
const notice = (dockerfile: string, base: string, version?: string) =>
  version === undefined || version === `${major}.${minor}` || version === `${major}`
    ? `note: ${dockerfile} (FROM ${base}) runs on this machine's python ${hostPython}, ${served}, not the image's own`
    : `warning: ${dockerfile} (FROM ${base}) is python ${version}, but the process engine runs it on this machine's python ${hostPython}, ${served}; ` +
      'what differs between the two versions may change what its jobs do (--engine docker or podman runs the image\'s own)';
/** The lines of `stderr` about which runtime serves an image. */
const runtimeLines = (stderr: string) => stderr.split('\n').filter((l) => / runs (it )?on this machine's /.test(l)).map((l) => l.replace(/^.*?((note|warning): )/, '$1'));

const original = 'FROM public.ecr.aws/docker/library/python:3.9\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip3 install -r requirements.txt\nCOPY . .\nCMD [ "python", "main.py"]\n';

e2e('a Dockerfile of the original\'s shape runs "python" with the host\'s python3, and the run says so', async () => {
  // The sandbox shows the host's /usr and /bin only: this host has python3 there, and no python.
  assert.ok(existsSync('/usr/bin/python3') && !existsSync('/usr/bin/python') && !existsSync('/bin/python'), 'the test needs a host without /usr/bin/python');
  const repo = makeRepo([{ name: 'calc', script: 'import sys, os\nopen("/output/result.txt", "w").write(str(6 * 7))\nprint(sys.version_info[0], os.environ["TASK_INDEX"])\n' }], {
    files: { 'job0/Dockerfile': original, 'job0/requirements.txt': '' },
  });
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\n {2}SUCCEEDED +calc /);
  assert.equal(runtimeLines(r.stderr), [notice('job0/Dockerfile', 'public.ecr.aws/docker/library/python:3.9', '3.9')]);
  const id = /^run (\S+) /m.exec(r.stdout)![1]!;
  const log = await hyperp(['logs', id, 'calc', '--repo', repo]);
  assert.is(log.stdout, '3 1\n');
});

e2e('a shell-form CMD of a slim python image finds python too; a non-python image gets no alias', async () => {
  const repo = makeRepo([{ name: 'data', script: 'print("processed")\n' }, { name: 'plain', script: 'print(1)\n' }], {
    files: {
      'job0/Dockerfile': 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD python -u main.py\n',
      'job1/Dockerfile': 'FROM debian:12\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n',
    },
  });
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2']);
  assert.match(r.stdout, /\n {2}SUCCEEDED +data /);
  assert.match(r.stdout, /\n {2}FAILED +plain /);
  assert.match(r.stdout, /\| bwrap: execvp python: No such file or directory\n/);
});

e2e('an image naming another python than the host\'s is said once per run, built or reused, and by plan', async () => {
  const other = `${major}.${minor + 1}`;
  const base = `python:${other}-slim`;
  const repo = makeRepo([{ name: 'a', script: 'print(1)\n' }, { name: 'b', script: 'print(2)\n' }], {
    files: {
      'job0/Dockerfile': `FROM ${base}\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n`,
      // Both jobs run the one image: one notice.
      'job1/taskdef.json': JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'job0/Dockerfile', command: ['python', '-c', 'print(2)'] }] }),
    },
  });
  const expected = [notice('job0/Dockerfile', base, other)];
  const first = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2']);
  assert.is(first.code, 0, first.stdout + first.stderr);
  assert.equal(runtimeLines(first.stderr), expected);
  const again = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2']);
  assert.equal(runtimeLines(again.stderr), expected, 'the image was reused: the run says it all the same');
  const plan = await hyperp(['plan', '--repo', repo, '--engine', 'process']);
  assert.equal(plan.stdout.split('\n').filter((l) => l.startsWith('      ')).map((l) => l.trim()), [expected[0], expected[0]]);
  const docker = await hyperp(['plan', '--repo', repo, '--engine', 'docker']);
  assert.not.match(docker.stdout, /python \d/, 'docker runs the image\'s own python: nothing to say');
});

e2e.run();
