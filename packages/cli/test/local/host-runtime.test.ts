// End to end: the original hyperp's Dockerfiles (`CMD [ "python", "main.py"]` on a python base)
// run on the process engine although the host has `python3` only; the run says which host
// runtime serves the image.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { hyperp } from '../run-cli.js';
import { makeRepo } from './repo.js';

const e2e = suite('host runtime for python images');

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
  const notes = r.stderr.split('\n').filter((l) => l.includes('runs on this machine'));
  assert.equal(notes.map((l) => l.replace(/^.*?note: /, '')), [
    'job0/Dockerfile (FROM public.ecr.aws/docker/library/python:3.9) runs on this machine\'s /usr/bin/python3 (as "python")'
      + (existsSync('/usr/bin/pip3') ? ' and /usr/bin/pip3 (as "pip")' : '') + ', not the image\'s own',
  ]);
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

e2e.run();
