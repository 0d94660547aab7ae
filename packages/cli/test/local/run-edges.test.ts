// One real run (process engine) of a workflow whose jobs end every way a job can leave no output,
// and what the commands say about them: artifacts list and download, the cost of a task that
// never started, the log of a task of two containers; and which workflows `run` will start.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from './repo.js';

interface RunJ { runId: string; status: string; costUsd: number; jobs: { name: string; status: string; costUsd: number; tasks: { costUsd: number; status: string }[] }[] }

const repo = makeRepo([
  { name: 'bad', script: 'import sys\nsys.exit(3)\n' },
  { name: 'after bad', script: 'print("never")\n', dependsOn: ['bad'] },
  { name: 'good', script: 'open("/output/a.txt", "w").write("abc")\nopen("/output/b.txt", "w").write("de")\n', downloadable: true },
  { name: 'duo', script: 'import time\nprint("main one", flush=True)\ntime.sleep(0.4)\nprint("main two", flush=True)\n' },
  { name: 'nocmd', script: '' },
], {
  files: {
    'side/Dockerfile': 'FROM alpine\nCOPY side.sh /side/\nENTRYPOINT ["/bin/sh", "/side/side.sh"]\n',
    'side/side.sh': 'echo "side one"\n',
    'job3/taskdef.json': JSON.stringify({
      cpu: '512', memory: '1024',
      containerDefinitions: [
        { name: 'main', dockerfilePath: 'job3/Dockerfile', essential: true },
        { name: 'side', dockerfilePath: 'side/Dockerfile', essential: false },
      ],
    }),
    // an image without CMD or ENTRYPOINT: its task fails to start
    'job4/Dockerfile': 'FROM python:3.12-slim\nCOPY main.py /app/\n',
    'hyperp-workflows/by-push-only.yaml': 'workflowName: by push only\ntriggers:\n  manual: false\njobs:\n  - jobName: a\n    taskDefinitionPath: job2/taskdef.json\n',
    'hyperp-workflows/broken.yaml': 'workflowName: broken\njobs:\n  - jobName: a\n    taskDefinitionPath: job2/taskdef.json\n    retries: 99\n',
  },
});

const t = suite('a run whose jobs leave no output');
let run: RunJ;

t.before(async () => {
  const r = await hyperp(['run', '--workflow', 'test', '--engine', 'process', '--json'], { cwd: repo });
  run = (JSON.parse(r.stdout) as { runs: RunJ[] }).runs[0]!;
  // the broken file is reported with its file, line and field, and did not stop this workflow (it blocked every run)
  assert.equal([r.code, r.stderr], [1, [
    'warning: 1 workflow file has errors and was left out (hyperp validate shows them all):',
    '  hyperp-workflows/broken.yaml:5:14 error retries of job "a" must be a whole number from 0 to 10, not 99 (field jobs[0].retries)',
    '',
  ].join('\n')]);
});

t('the jobs ended as expected', () => {
  assert.equal(run.jobs.map((j) => [j.name, j.status]), [['bad', 'FAILED'], ['after bad', 'SKIPPED'], ['good', 'SUCCEEDED'], ['duo', 'SUCCEEDED'], ['nocmd', 'FAILED']]);
});

t('artifacts download of a skipped job, or of one that failed before writing, writes nothing, exits 1 and says why (it wrote an empty zip)', async () => {
  const skipped = await hyperp(['artifacts', 'download', run.runId, 'after bad', '-o', 'skipped.zip'], { cwd: repo });
  assert.equal(skipped, { code: 1, stdout: '', stderr: 'error: job "after bad" has no output to download: SKIPPED, upstream job "bad" failed\n' });
  const failed = await hyperp(['artifacts', 'download', run.runId, 'bad', '-o', 'failed.zip'], { cwd: repo });
  assert.equal(failed, { code: 1, stdout: '', stderr: 'error: job "bad" has no output to download: FAILED, task 1: container "main" exited with code 3 (it wrote no output)\n' });
  assert.equal([existsSync(join(repo, 'skipped.zip')), existsSync(join(repo, 'failed.zip'))], [false, false]);
});

t('artifacts list: each job with its status, files, bytes and whether a download exists (there was no list)', async () => {
  const json = JSON.parse((await hyperp(['artifacts', 'list', run.runId, '--json'], { cwd: repo })).stdout) as { runId: string; jobs: unknown[] };
  const zipBytes = (json.jobs[2] as { zipBytes: number }).zipBytes;
  assert.ok(zipBytes > 0);
  assert.equal(json, {
    runId: run.runId,
    jobs: [
      { name: 'bad', status: 'FAILED', files: 0, bytes: 0, download: 'none', zipBytes: null, reason: 'FAILED, task 1: container "main" exited with code 3 (it wrote no output)' },
      { name: 'after bad', status: 'SKIPPED', files: 0, bytes: 0, download: 'none', zipBytes: null, reason: 'SKIPPED, upstream job "bad" failed' },
      { name: 'good', status: 'SUCCEEDED', files: 2, bytes: 5, download: 'zip', zipBytes, reason: null },
      { name: 'duo', status: 'SUCCEEDED', files: 0, bytes: 0, download: 'on-demand', zipBytes: null, reason: null },
      { name: 'nocmd', status: 'FAILED', files: 0, bytes: 0, download: 'none', zipBytes: null, reason: 'FAILED, task 1: the task failed to start: container "main" has no command: set CMD or ENTRYPOINT in its Dockerfile, or command in the task definition (it wrote no output)' },
    ],
  });
  const text = await hyperp(['artifacts', 'list', 'last'], { cwd: repo });
  assert.equal(text.stdout.split('\n').slice(0, 4), [
    `run ${run.runId}  test`,
    '  FAILED    bad  0 files, 0 bytes  nothing to download: FAILED, task 1: container "main" exited with code 3 (it wrote no output)',
    '  SKIPPED   after bad  0 files, 0 bytes  nothing to download: SKIPPED, upstream job "bad" failed',
    `  SUCCEEDED good  2 files, 5 bytes  zip (${zipBytes} bytes)`,
  ]);
});

t('a task that never started (its image has no command) costs 0, and so do its job and the run\'s share (it was charged a minute)', () => {
  const nocmd = run.jobs.find((j) => j.name === 'nocmd')!;
  assert.equal([nocmd.tasks.map((x) => [x.status, x.costUsd]), nocmd.costUsd], [[['FAILED', 0]], 0]);
  assert.ok(run.jobs.find((j) => j.name === 'good')!.costUsd > 0);
  // the run's total is its jobs' (each view rounds to 1e-8 of a dollar)
  assert.ok(Math.abs(run.costUsd - run.jobs.reduce((a, j) => a + j.costUsd, 0)) < 1e-7);
});

t('the log of a task of two containers labels each line with its container; --container prints one (it was ignored)', async () => {
  const all = await hyperp(['logs', run.runId, 'duo'], { cwd: repo });
  assert.equal([all.code, all.stdout.split('\n').filter((l) => l !== '').sort()], [0, ['[main] main one', '[main] main two', '[side] side one']]);
  assert.equal(await hyperp(['logs', run.runId, 'duo', '--container', 'side'], { cwd: repo }), { code: 0, stdout: 'side one\n', stderr: '' });
  assert.equal(await hyperp(['logs', run.runId, 'duo', '--container', 'main'], { cwd: repo }), { code: 0, stdout: 'main one\nmain two\n', stderr: '' });
  assert.equal(await hyperp(['logs', run.runId, 'duo', '--container', 'sidecar'], { cwd: repo }), {
    code: 1, stdout: '', stderr: 'error: job "duo" has no container "sidecar" (its containers: "main", "side")\n',
  });
});

t('triggers.manual: false: run --workflow refuses it, naming the file and field, and starts nothing (it ran)', async () => {
  const r = await hyperp(['run', '--workflow', 'by push only', '--engine', 'process'], { cwd: repo });
  assert.equal(r, { code: 1, stdout: '', stderr: 'error: hyperp-workflows/by-push-only.yaml:3:11: workflow "by push only" may not be started by hand (triggers.manual is false)\n' });
  assert.equal((JSON.parse((await hyperp(['runs', 'list', '--json'], { cwd: repo })).stdout) as { runs: unknown[] }).runs.length, 1);
});

t('triggers.manual: false: plain run leaves it out of the push\'s workflows, and says where when nothing is left', async () => {
  const only = makeRepo([{ name: 'a', script: 'print(1)\n' }], {
    files: { 'hyperp-workflows/test.yaml': 'workflowName: test\ntriggers: { manual: false }\njobs:\n  - jobName: a\n    taskDefinitionPath: job0/taskdef.json\n' },
  });
  assert.equal(await hyperp(['run', '--engine', 'process'], { cwd: only }), {
    code: 1, stdout: '', stderr: 'error: hyperp-workflows/test.yaml:2:21: no workflow that runs on branch main may be started by hand (triggers.manual is false)\n',
  });
  assert.is(existsSync(join(only, '.hyperp', 'runs')), false);
});

t('a workflow named by --workflow that did not load is said, with the files that have errors', async () => {
  const r = await hyperp(['run', '--workflow', 'broken', '--engine', 'process'], { cwd: repo });
  assert.equal(r, {
    code: 1, stdout: '', stderr: [
      'error: no workflow named "broken" (workflows: "by push only", "test"); these workflow files have errors (hyperp validate shows them all):',
      '  hyperp-workflows/broken.yaml:5:14 error retries of job "a" must be a whole number from 0 to 10, not 99 (field jobs[0].retries)',
      '',
    ].join('\n'),
  });
});

t.run();
