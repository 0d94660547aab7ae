// The quick start on a host without bubblewrap: the calculator through the hyperp executable,
// `--engine process`, with bwrap hidden from the PATH (a folder of links to every other program
// on it), runs in the util-linux sandbox and succeeds with the right result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { calculatorRepo, makeRepo, read } from './repo.js';
import { hyperpWithPath as hyperp, pathWithout } from '../narrow-path.js';

const pathWithoutBwrap = (): string => pathWithout(['bwrap']);

interface RunJ { status: string; jobs: { name: string; status: string; outputDir: string }[] }

test('without bubblewrap, the calculator runs in the util-linux sandbox and succeeds with its result', async () => {
  const path = pathWithoutBwrap();
  assert.not.ok(existsSync(join(path, 'bwrap')));
  const repo = calculatorRepo();
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2'], path);
  assert.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /^run \S+: calculator at [0-9a-f]{12}, engine process \(util-linux sandbox\)$/m);
  const id = /^run (\S+):/m.exec(r.stderr)![1]!;
  const run = JSON.parse((await hyperp(['runs', 'show', id, '--repo', repo, '--json'], path)).stdout) as RunJ;
  assert.is(run.status, 'SUCCEEDED');
  const result = (job: string) => Number(read(join(run.jobs.find((j) => j.name === job)!.outputDir, 'result.txt')));
  const x = result('Generate x');
  assert.is(result('x * y'), x * 7);
  assert.is(result('(x * y) + (x / z)'), result('x * y') + result('x / z'));
});

test("without bubblewrap, Docker or podman, the original's two example Dockerfiles run unchanged on the default engine", async () => {
  const path = pathWithout(['bwrap', 'docker', 'podman']);
  for (const p of ['bwrap', 'docker', 'podman']) assert.not.ok(existsSync(join(path, p)), p);
  const repo = makeRepo([
    { name: 'calculator', script: 'open("/output/result.txt", "w").write(str(6 * 7))\n' },
    { name: 'data processing', script: 'open("/output/result.txt", "w").write("processed")\n' },
  ], {
    files: {
      // The original hyperp's examples, as they are: exec form on python 3.9, shell form on a slim 3.11.
      'job0/Dockerfile': 'FROM public.ecr.aws/docker/library/python:3.9\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip3 install -r requirements.txt\nCOPY . .\nCMD [ "python", "main.py"]\n',
      'job0/requirements.txt': '',
      'job1/Dockerfile': 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD python main.py\n',
    },
  });
  const r = await hyperp(['run', '--repo', repo, '--parallel', '2'], path);
  assert.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /^run \S+: \S+ at [0-9a-f]{12}, engine process \(util-linux sandbox\)$/m);
  const id = /^run (\S+):/m.exec(r.stderr)![1]!;
  const run = JSON.parse((await hyperp(['runs', 'show', id, '--repo', repo, '--json'], path)).stdout) as RunJ;
  assert.equal([run.status, run.jobs.map((j) => [j.name, j.status, read(join(j.outputDir, 'result.txt'))])], [
    'SUCCEEDED', [['calculator', 'SUCCEEDED', '42'], ['data processing', 'SUCCEEDED', 'processed']],
  ]);
});

test.run();
