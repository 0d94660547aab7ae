// End to end: an image's files at any path, as the official node and python images' READMEs lay
// them out (`WORKDIR /usr/src/app`, a script in /usr/local/bin), run on the process engine from
// a commit that records the script as executable (100755).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from './repo.js';

const e2e = suite('image files at any path');

e2e('WORKDIR /usr/src/app, COPY . . and an executable entrypoint in /usr/local/bin run to SUCCEEDED and write /output', async () => {
  const repo = makeRepo([{ name: 'app', script: 'import os\nopen("/output/result.txt", "w").write(os.getcwd())\n' }], {
    files: {
      'job0/Dockerfile': 'FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY . .\nCOPY entrypoint.sh /usr/local/bin/\nCMD ["entrypoint.sh"]\n',
      'job0/entrypoint.sh': '#!/bin/sh\nset -e\n/usr/bin/python3 main.py\necho "ran from $(pwd)"\n',
    },
    executables: ['job0/entrypoint.sh'],
  });
  assert.match(execFileSync('git', ['ls-files', '-s', 'job0/entrypoint.sh'], { cwd: repo, encoding: 'utf8' }), /^100755 /);
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\n {2}SUCCEEDED +app /);
  const id = /^run (\S+) /m.exec(r.stdout)![1]!;
  assert.is((await hyperp(['logs', id, 'app', '--repo', repo])).stdout, 'ran from /usr/src/app\n');
  const artifacts = join(repo, '.hyperp', 'artifacts');
  const result = execFileSync('find', [artifacts, '-name', 'result.txt'], { encoding: 'utf8' }).trim();
  assert.is(readFileSync(result, 'utf8'), '/usr/src/app');
  // The build log lists every file at its image path, and nothing left out.
  const builds = join(repo, '.hyperp', 'runs', id, 'logs', 'builds');
  const log = readFileSync(join(builds, readdirSync(builds)[0]!), 'utf8');
  assert.equal(log.split('\n').filter((l) => l.startsWith('  /')), [
    '  /usr/local/bin/entrypoint.sh', '  /usr/src/app/Dockerfile', '  /usr/src/app/entrypoint.sh', '  /usr/src/app/main.py', '  /usr/src/app/taskdef.json',
  ]);
  assert.not.match(log, /not laid out|not shown|not copied/);
});

e2e.run();
