// End to end: real workflows through the CLI with the process engine (bubblewrap).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { unzipSync, strFromU8 } from 'fflate';
import { hyperp } from '../run-cli.js';
import { calculatorRepo, makeRepo, read } from './repo.js';

interface TaskJ { index: number; attempt: number; status: string; exitCode: number | null; durationSeconds: number | null; costUsd: number; logFile: string }
interface JobJ { name: string; status: string; attempts: number; outputDir: string; costUsd: number; tasks: TaskJ[] }
interface RunJ { runId: string; workflow: string; commit: string; status: string; costUsd: number; jobs: JobJ[]; retries: unknown[] }

const runJson = async (args: string[]): Promise<{ code: number; runs: RunJ[]; stderr: string }> => {
  const r = await hyperp([...args, '--engine', 'process', '--parallel', '4', '--json']);
  let runs: RunJ[] = [];
  try {
    runs = (JSON.parse(r.stdout) as { runs: RunJ[] }).runs;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, runs, stderr: r.stderr };
};
const job = (run: RunJ, name: string): JobJ => run.jobs.find((j) => j.name === name)!;
const statuses = (run: RunJ) => Object.fromEntries(run.jobs.map((j) => [j.name, j.status]));

const e2e = suite('hyperp run (process engine)');

e2e('the calculator succeeds: result, shared folder, downloadable zip, cost, logs', async () => {
  const repo = calculatorRepo();
  const { code, runs } = await runJson(['run', '--repo', repo]);
  assert.is(code, 0);
  assert.is(runs.length, 1);
  const run = runs[0]!;
  assert.equal(statuses(run), { 'Generate x': 'SUCCEEDED', 'x * y': 'SUCCEEDED', 'x / z': 'SUCCEEDED', '(x * y) + (x / z)': 'SUCCEEDED' });
  assert.is(run.status, 'SUCCEEDED');
  // exactly the documented shape: no field more, none less
  assert.equal(Object.keys(run), ['runId', 'workflow', 'commit', 'status', 'costUsd', 'jobs', 'retries']);
  assert.equal(run.retries, []); // nothing had to be sent again
  assert.equal([...new Set(run.jobs.map((j) => Object.keys(j).join(',')))], ['name,status,attempts,outputDir,costUsd,tasks,downloadable']);
  assert.equal([...new Set(run.jobs.flatMap((j) => j.tasks.map((t) => Object.keys(t).join(','))))], ['index,attempt,status,exitCode,durationSeconds,costUsd,logFile']);
  const x = Number(read(join(job(run, 'Generate x').outputDir, 'result.txt')));
  const product = Number(read(join(job(run, 'x * y').outputDir, 'result.txt')));
  const quotient = Number(read(join(job(run, 'x / z').outputDir, 'result.txt')));
  assert.is(product, x * 7);
  assert.is(Number(read(join(job(run, '(x * y) + (x / z)').outputDir, 'result.txt'))), product + quotient);
  // both tasks of a concurrency-2 job ran, each with its own index
  assert.equal(readdirSync(job(run, 'x * y').outputDir).filter((f) => f.startsWith('task-')).sort(), ['task-1.txt', 'task-2.txt']);
  assert.is(read(join(job(run, 'x * y').outputDir, 'task-2.txt')), `task 2 of 2: ${x} * 7 = ${x * 7}\n`);
  // cost: every task billed (one-minute minimum), the run's total is the sum of its jobs
  assert.ok(run.jobs.every((j) => j.tasks.length > 0 && j.tasks.every((t) => t.costUsd > 0)));
  assert.is(Math.round(run.costUsd * 1e6), Math.round(run.jobs.reduce((a, j) => a + j.costUsd, 0) * 1e6));
  // the log of the last job tells the sum, and checks x against the shared note
  const logs = await hyperp(['logs', run.runId, '(x * y) + (x / z)', '--repo', repo]);
  assert.is(logs.stdout, `x = ${x}: (x * y) + (x / z) = ${product} + ${quotient} = ${product + quotient}\n`);
  // the downloadable zip holds the job's output
  const zipPath = join(repo, 'out.zip');
  const dl = await hyperp(['artifacts', 'download', run.runId, 'x * y', '--repo', repo, '-o', zipPath]);
  assert.is(dl.code, 0);
  const entries = unzipSync(readFileSync(zipPath));
  assert.equal(Object.keys(entries).sort(), ['result.txt', 'task-1.txt', 'task-2.txt']);
  assert.is(strFromU8(entries['result.txt']!), `${x * 7}\n`);
  // a job that is not downloadable is zipped on demand
  const gx = await hyperp(['artifacts', 'download', run.runId, 'Generate x', '--repo', repo, '-o', join(repo, 'gx.zip')]);
  assert.is(gx.code, 0);
  assert.equal(Object.keys(unzipSync(readFileSync(join(repo, 'gx.zip')))), ['result.txt']);
  // runs show --json is the run's element of run --json
  const show = await hyperp(['runs', 'show', run.runId, '--repo', repo, '--json']);
  assert.equal(JSON.parse(show.stdout), run);
  // cost RUN: per task, job and total, the same figures as the run's
  const cost = JSON.parse((await hyperp(['cost', run.runId, '--repo', repo, '--json'])).stdout) as { totalUsd: number; final: boolean; jobs: { name: string; costUsd: number }[] };
  assert.equal([cost.totalUsd, cost.final, cost.jobs.map((j) => [j.name, j.costUsd])], [run.costUsd, true, run.jobs.map((j) => [j.name, j.costUsd])]);
  // .hyperp/ keeps itself out of git
  assert.is(read(join(repo, '.hyperp', '.gitignore')).includes('*'), true);
  // the plan sees the images the run built: every one is reused now
  const plan = JSON.parse((await hyperp(['plan', '--repo', repo, '--engine', 'process', '--json'])).stdout) as { workflows: { jobs: { name: string; action: string }[] }[] };
  assert.equal(plan.workflows[0]!.jobs.map((j) => [j.name, j.action]), run.jobs.map((j) => [j.name, 'reuse']));
  // the process engine's images are no earlier version of docker's: nothing to compare with
  const docker = JSON.parse((await hyperp(['plan', '--repo', repo, '--engine', 'docker', '--json'])).stdout) as { workflows: { jobs: { images: { reason: string }[] }[] }[] };
  assert.equal([...new Set(docker.workflows[0]!.jobs.flatMap((j) => j.images.map((i) => i.reason)))], ['build: no earlier image']);
  const again = await runJson(['run', '--repo', repo]);
  assert.is(again.runs[0]!.status, 'SUCCEEDED');
});

e2e('a failed job skips its dependents while independent jobs go on; rerun --failed reuses what succeeded', async () => {
  const repo = makeRepo([
    { name: 'bad', script: 'import sys\nprint("failing")\nsys.exit(3)\n' },
    { name: 'after bad', script: 'print("never")\n', dependsOn: ['bad'] },
    { name: 'good', script: 'open("/output/g.txt", "w").write("ok")\n' },
  ]);
  const { code, runs } = await runJson(['run', '--repo', repo]);
  assert.is(code, 1);
  const run = runs[0]!;
  assert.equal(statuses(run), { bad: 'FAILED', 'after bad': 'SKIPPED', good: 'SUCCEEDED' });
  assert.is(run.status, 'FAILED');
  assert.equal(job(run, 'bad').tasks.map((t) => [t.attempt, t.status, t.exitCode]), [[1, 'FAILED', 3]]);
  assert.equal(job(run, 'after bad').tasks, []);

  const re = await runJson(['rerun', run.runId, '--failed', '--repo', repo]);
  const second = re.runs[0]!;
  assert.ok(second.runId !== run.runId);
  assert.equal(statuses(second), { bad: 'FAILED', 'after bad': 'SKIPPED', good: 'SUCCEEDED' });
  // "good" was not run again: no task, and its output is the first run's folder
  assert.equal(job(second, 'good').tasks, []);
  assert.is(job(second, 'good').outputDir, job(run, 'good').outputDir);
  assert.equal(job(second, 'bad').tasks.map((t) => t.status), ['FAILED']);
  // logs of a job that ran no task say why
  const skipped = await hyperp(['logs', run.runId, 'after bad', '--repo', repo]);
  assert.equal([skipped.code, skipped.stderr], [1, 'error: job "after bad" ran no task in this run: SKIPPED, upstream job "bad" failed\n']);
  const reused = await hyperp(['logs', second.runId, 'good', '--repo', repo]);
  assert.equal([reused.code, reused.stderr], [1, `error: job "good" ran no task in this run: SUCCEEDED, reused from run ${run.runId}\n`]);
});

e2e('a task that fails once succeeds on its retry; logs --follow follows the task through it', async () => {
  const repo = makeRepo([{
    name: 'flaky',
    retries: 2,
    script: 'import os, sys, time\nif not os.path.exists("/output/tried"):\n    open("/output/tried", "w").write("1")\n    print("first try", flush=True)\n    time.sleep(1.5)\n    sys.exit(1)\nprint("second time lucky")\n',
  }]);
  const running = runJson(['run', '--repo', repo]);
  while ((JSON.parse((await hyperp(['runs', 'list', '--repo', repo, '--json'])).stdout) as { runs: unknown[] }).runs.length === 0) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const follow = await hyperp(['logs', 'last', 'flaky', '--follow', '--repo', repo]);
  const { code, runs } = await running;
  assert.equal(follow, { code: 0, stdout: 'first try\nsecond time lucky\n', stderr: '(attempt 1 FAILED: container "main" exited with code 1; following attempt 2)\n' });
  assert.is(code, 0);
  const j = job(runs[0]!, 'flaky');
  assert.is(j.status, 'SUCCEEDED');
  assert.is(j.attempts, 2);
  assert.equal(j.tasks.map((t) => [t.index, t.attempt, t.status, t.exitCode]), [[1, 1, 'FAILED', 1], [1, 2, 'SUCCEEDED', 0]]);
  assert.is(read(j.tasks[1]!.logFile), 'second time lucky\n');
});

e2e('a task past its timeoutSeconds is stopped and fails its job', async () => {
  const repo = makeRepo([{ name: 'slow', timeoutSeconds: 2, stopTimeout: 1, script: 'import time\nprint("started")\ntime.sleep(30)\nprint("finished")\n' }]);
  const { code, runs } = await runJson(['run', '--repo', repo]);
  assert.is(code, 1);
  const j = job(runs[0]!, 'slow');
  assert.is(j.status, 'FAILED');
  assert.is(read(j.tasks[0]!.logFile), 'started\n');
  assert.ok(j.tasks[0]!.exitCode !== 0);
  // stopped by its deadline, not by anything else
  const shown = await hyperp(['runs', 'show', runs[0]!.runId, '--repo', repo]);
  assert.match(shown.stdout, /\n {2}FAILED {4}slow {2}\$0\.\d+ {2}1 task {2}— task 1: timed out after 2 s\n/);
});

e2e('a task waiting for a --parallel slot is not timed out: its timeoutSeconds counts from its start', async () => {
  // 4 tasks of about 1 s, one at a time, each allowed 3 s: the last starts over 3 s after the first launch.
  const repo = makeRepo([{ name: 'queue', concurrency: 4, timeoutSeconds: 3, stopTimeout: 1, script: 'import time\ntime.sleep(1)\n' }]);
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '1', '--json']);
  const run = (JSON.parse(r.stdout) as { runs: RunJ[] }).runs[0]!;
  assert.equal([r.code, job(run, 'queue').tasks.map((t) => [t.index, t.status])], [0, [1, 2, 3, 4].map((i) => [i, 'SUCCEEDED'])]);
});

e2e('inputs are read-only; every task sees TASK_INDEX and TASK_TOTAL_SIZE', async () => {
  const repo = makeRepo([
    { name: 'a', script: 'open("/output/v.txt", "w").write("41")\n' },
    {
      name: 'b',
      dependsOn: ['a'],
      concurrency: 3,
      script: [
        'import os',
        'i, n = os.environ["TASK_INDEX"], os.environ["TASK_TOTAL_SIZE"]',
        'v = open("/input/a/v.txt").read()',
        'try:',
        '    open("/input/a/v.txt", "w").write("changed")',
        '    w = "writable"',
        'except OSError:',
        '    w = "read-only"',
        'open(f"/output/task-{i}.txt", "w").write(f"{i}/{n} {v} {w}")',
      ].join('\n') + '\n',
    },
  ]);
  const { code, runs } = await runJson(['run', '--repo', repo]);
  assert.is(code, 0);
  const b = job(runs[0]!, 'b');
  assert.equal(
    readdirSync(b.outputDir).sort().map((f) => read(join(b.outputDir, f))),
    ['1/3 41 read-only', '2/3 41 read-only', '3/3 41 read-only'],
  );
  assert.is(read(join(job(runs[0]!, 'a').outputDir, 'v.txt')), '41');
});

e2e('hyperp cancel stops the running task; the run ends CANCELLED and its dependents SKIPPED', async () => {
  const repo = makeRepo([
    { name: 'long', stopTimeout: 1, script: 'import time\nprint("started", flush=True)\ntime.sleep(30)\nprint("finished")\n' },
    { name: 'next', dependsOn: ['long'], script: 'print(1)\n' },
  ]);
  const running = runJson(['run', '--repo', repo]);
  // wait for the run to exist; then `logs --follow` of a task that has not started waits for it
  while ((JSON.parse((await hyperp(['runs', 'list', '--repo', repo, '--json'])).stdout) as { runs: unknown[] }).runs.length === 0) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const follow = hyperp(['logs', 'last', 'long', '--follow', '--repo', repo]);
  // wait until the task runs, then cancel from "another" command
  let runId = '';
  for (let i = 0; i < 100 && runId === ''; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if ((await hyperp(['logs', 'last', 'long', '--repo', repo])).stdout !== 'started\n') continue;
    runId = (JSON.parse((await hyperp(['runs', 'show', 'last', '--repo', repo, '--json'])).stdout) as RunJ).runId;
  }
  assert.ok(runId !== '', 'the task started');
  // a second process may not drive the same run
  const busy = await hyperp(['resume', runId, '--repo', repo, '--engine', 'process']);
  assert.equal([busy.code, busy.stderr], [1, `error: run ${runId} is being driven by process ${process.pid} on ${hostname()}; wait for it, or stop it with: hyperp cancel ${runId}\n`]);
  const c = await hyperp(['cancel', runId, '--repo', repo]);
  assert.is(c.code, 0);
  const { code, runs } = await running;
  assert.is(code, 1);
  assert.is(runs[0]!.status, 'CANCELLED');
  assert.equal(statuses(runs[0]!), { long: 'CANCELLED', next: 'SKIPPED' });
  assert.is(read(job(runs[0]!, 'long').tasks[0]!.logFile), 'started\n');
  assert.equal(await follow, { code: 0, stdout: 'started\n', stderr: '' });
});

e2e('Ctrl-C (the abort signal) cancels the run; no task is left running', async () => {
  const repo = makeRepo([{ name: 'long', stopTimeout: 1, script: 'import time\nprint("started", flush=True)\ntime.sleep(30)\n' }]);
  const ac = new AbortController();
  const running = hyperp(['run', '--repo', repo, '--engine', 'process', '--json'], { signal: ac.signal });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if ((await hyperp(['logs', 'last', 'long', '--repo', repo])).stdout === 'started\n') break;
  }
  // follow the log while the task runs: it ends when the attempt ends
  const follow = hyperp(['logs', 'last', 'long', '--follow', '--repo', repo]);
  ac.abort();
  const r = await running;
  assert.is(r.code, 1);
  const run = (JSON.parse(r.stdout) as { runs: RunJ[] }).runs[0]!;
  assert.equal([run.status, run.jobs[0]!.status], ['CANCELLED', 'CANCELLED']);
  assert.is((await follow).stdout, 'started\n');
  // nothing hyperp started is still running: no bwrap below this process
  const children = readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p)).filter((p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      return stat.includes('(bwrap)') && stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(process.pid);
    } catch {
      return false;
    }
  });
  assert.equal(children, []);
});

e2e('the working tree runs as it is (recorded dirty); --ref runs the commit', async () => {
  const repo = makeRepo([{ name: 'a', script: 'print("committed")\n' }], {
    files: {
      // a second workflow in the same repository runs in the same `hyperp run`
      'hyperp-workflows/other.yaml': 'workflowName: other\njobs:\n  - jobName: b\n    taskDefinitionPath: job0/taskdef.json\n',
    },
  });
  writeFileSync(join(repo, 'job0', 'main.py'), 'print("uncommitted")\n');
  const dirty = await runJson(['run', '--repo', repo]);
  assert.is(dirty.code, 0, dirty.stderr);
  assert.equal(dirty.runs.map((r) => [r.workflow, r.status]).sort(), [['other', 'SUCCEEDED'], ['test', 'SUCCEEDED']]);
  assert.equal(dirty.runs.map((r) => read(r.jobs[0]!.tasks[0]!.logFile)), ['uncommitted\n', 'uncommitted\n']);
  const shown = await hyperp(['runs', 'show', dirty.runs[0]!.runId, '--repo', repo]);
  assert.match(shown.stdout, '(with uncommitted changes)');
  const { code, runs } = await runJson(['run', '--repo', repo, '--ref', 'HEAD', '--workflow', 'test']);
  assert.is(code, 0);
  assert.equal(runs.map((r) => r.workflow), ['test']);
  assert.is(read(job(runs[0]!, 'a').tasks[0]!.logFile), 'committed\n');
});

e2e('the tasks of a job run at the same time (each waits for the other to show up)', async () => {
  const script = [
    'import os, time, pathlib',
    'i, n = os.environ["TASK_INDEX"], int(os.environ["TASK_TOTAL_SIZE"])',
    'pathlib.Path(f"/shared/meet/{i}").write_text(i)',
    'for _ in range(200):',
    '    if len(os.listdir("/shared/meet")) == n: break',
    '    time.sleep(0.05)',
    'else:',
    '    raise SystemExit("alone")',
  ].join('\n') + '\n';
  const repo = makeRepo([{ name: 'pair', concurrency: 2, script }], { shared: ['meet'] });
  const { code, runs } = await runJson(['run', '--repo', repo]);
  assert.is(code, 0);
  assert.equal(job(runs[0]!, 'pair').tasks.map((t) => [t.index, t.status]), [[1, 'SUCCEEDED'], [2, 'SUCCEEDED']]);
});

e2e('a job with two containers builds both images and runs both, side by side', async () => {
  const repo = makeRepo([{ name: 'duo', script: 'import time\ntime.sleep(0.3)\nopen("/output/main.txt", "w").write("main")\n' }], {
    files: {
      'side/Dockerfile': 'FROM alpine\nCOPY side.sh /side/\nENTRYPOINT ["/bin/sh", "/side/side.sh"]\n',
      'side/side.sh': 'echo "sidecar of task $TASK_INDEX" > /output/side.txt\n',
      'job0/taskdef.json': JSON.stringify({
        cpu: '512', memory: '1024',
        containerDefinitions: [
          { name: 'main', dockerfilePath: 'job0/Dockerfile', essential: true },
          { name: 'side', dockerfilePath: 'side/Dockerfile', essential: false },
        ],
      }),
    },
  });
  const { code, runs } = await runJson(['run', '--repo', repo]);
  assert.is(code, 0);
  const duo = job(runs[0]!, 'duo');
  assert.equal(readdirSync(duo.outputDir).sort().map((f) => read(join(duo.outputDir, f))), ['main', 'sidecar of task 1\n']);
  assert.equal(readdirSync(join(repo, '.hyperp', 'images')).filter((d) => d !== 'index.json').length, 2);
});

e2e('with failFast, a failure stops every running task at once', async () => {
  const repo = makeRepo([
    { name: 'bad', script: 'import time, sys\ntime.sleep(1)\nsys.exit(2)\n' },
    { name: 'long', stopTimeout: 1, script: 'import time\nprint("started", flush=True)\ntime.sleep(30)\nprint("finished")\n' },
  ], { failFast: true });
  const { code, runs } = await runJson(['run', '--repo', repo]);
  assert.is(code, 1);
  assert.equal([runs[0]!.status, statuses(runs[0]!)], ['FAILED', { bad: 'FAILED', long: 'CANCELLED' }]);
  assert.is(read(job(runs[0]!, 'long').tasks[0]!.logFile), 'started\n');
});

e2e('an unknown workflow name and an invalid --parallel are clear errors', async () => {
  const repo = makeRepo([{ name: 'a', script: 'print(1)\n' }]);
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process', '--workflow', 'nope']);
  assert.equal([r.code, r.stderr], [1, 'error: no workflow named "nope" (workflows: "test")\n']);
  const p = await hyperp(['run', '--repo', repo, '--parallel', '0']);
  assert.equal([p.code, p.stderr], [2, 'error: --parallel must be a whole number of 1 or more, not "0"\n']);
  assert.is(existsSync(join(repo, '.hyperp', 'runs')), false);
});

e2e.run();
