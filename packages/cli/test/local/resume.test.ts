// A crash of the hyperp process mid-run (SIGKILL), then `hyperp resume RUN`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo, read } from './repo.js';

const root = new URL('../../../../', import.meta.url).pathname;

test('a SIGKILLed run resumes from its log without redoing finished tasks', async () => {
  const repo = makeRepo([
    // appends one line per execution to a shared file: redoing it would show two
    { name: 'first', script: 'open("/shared/s/first-ran", "a").write("ran\\n")\nopen("/output/v", "w").write("7")\n' },
    { name: 'second', dependsOn: ['first'], script: 'import time\nprint("started", flush=True)\ntime.sleep(3)\nopen("/output/v", "w").write(str(int(open("/input/first/v").read()) * 6))\n' },
  ], { shared: ['s'] });
  // The CLI's commands load their modules on first use: load them now, so that the first
  // in-process command below does not take longer than "second" runs.
  await hyperp(['runs', 'list', '--repo', repo]);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'run', '--repo', repo, '--engine', 'process'], {
    cwd: root, stdio: 'ignore', env: { ...process.env, INIT_CWD: '' },
  });
  const exited = new Promise((r) => child.once('exit', r));
  // Wait until "second" is running (its RUNNING state is in the log), then kill hyperp outright.
  let runId = '';
  let secondRunning = false;
  // A loaded machine may take many seconds to start hyperp: wait up to a minute.
  for (let i = 0; i < 600 && !secondRunning; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const runs = join(repo, '.hyperp', 'runs');
    if (!existsSync(runs)) continue;
    runId = readdirSync(runs)[0] ?? '';
    const log = runId ? join(runs, runId, 'events.jsonl') : '';
    secondRunning = log !== '' && existsSync(log) && readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"lastStatus":"RUNNING"')).length >= 2;
  }
  assert.ok(secondRunning, `job "second" did not start within a minute (run ${JSON.stringify(runId)})`);
  // while its process lives, the run is listed as it is
  assert.not.match((await hyperp(['runs', 'list', '--repo', repo])).stdout, /stopped/);
  assert.is(child.exitCode, null, 'hyperp ended before it could be killed mid-run');
  child.kill('SIGKILL');
  await exited;
  // once it is killed, the run does not look alive: both views say so and how to go on
  const resumeWith = `hyperp resume ${runId} --repo ${repo}`;
  assert.match((await hyperp(['runs', 'list', '--repo', repo])).stdout, new RegExp(`^${runId} {2}RUNNING {3}.*  ! stopped: no hyperp process is driving it any more; continue it with: ${resumeWith}\n$`));
  assert.is((await hyperp(['runs', 'show', runId, '--repo', repo])).stdout.split('\n')[2], `stopped: no hyperp process is driving it any more; continue it with: ${resumeWith}`);
  const mid = JSON.parse((await hyperp(['runs', 'show', runId, '--repo', repo, '--json'])).stdout) as { status: string; jobs: { name: string; status: string }[] };
  assert.equal(mid.jobs.map((j) => [j.name, j.status]), [['first', 'SUCCEEDED'], ['second', 'RUNNING']]);

  const r = await hyperp(['resume', runId, '--repo', repo, '--engine', 'process']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr.split('\n')[0], `run ${runId}: resuming test (RUNNING when its process stopped), engine process (bubblewrap sandbox)`);
  const run = JSON.parse((await hyperp(['runs', 'show', runId, '--repo', repo, '--json'])).stdout) as { status: string; jobs: { name: string; status: string; outputDir: string; tasks: unknown[] }[] };
  assert.is(run.status, 'SUCCEEDED');
  assert.not.match((await hyperp(['runs', 'list', '--repo', repo])).stdout, /stopped/);
  assert.equal(run.jobs.map((j) => [j.name, j.status, j.tasks.length]), [['first', 'SUCCEEDED', 1], ['second', 'SUCCEEDED', 1]]);
  assert.is(read(join(run.jobs[1]!.outputDir, 'v')), '42');
  const shared = readdirSync(join(repo, '.hyperp', 'artifacts'), { recursive: true }).map(String).find((p) => p.endsWith('first-ran'))!;
  assert.is(read(join(repo, '.hyperp', 'artifacts', shared)), 'ran\n');
});

test('hyperp cancel brings a run whose process was killed to its CANCELLED end', async () => {
  const repo = makeRepo([
    { name: 'long', script: 'import time\nprint("started", flush=True)\ntime.sleep(30)\n' },
    { name: 'then', dependsOn: ['long'], script: 'print(1)\n' },
  ]);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'run', '--repo', repo, '--engine', 'process'], {
    cwd: root, stdio: 'ignore', env: { ...process.env, INIT_CWD: '' },
  });
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if ((await hyperp(['logs', 'last', 'long', '--repo', repo])).stdout === 'started\n') break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const c = await hyperp(['cancel', 'last', '--repo', repo]);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stdout, /^run \S+: CANCELLED\n$/);
  const show = JSON.parse((await hyperp(['runs', 'show', 'last', '--repo', repo, '--json'])).stdout) as { status: string; jobs: { name: string; status: string }[] };
  assert.equal([show.status, show.jobs.map((j) => [j.name, j.status])], ['CANCELLED', [['long', 'CANCELLED'], ['then', 'SKIPPED']]]);
  // the task ran until hyperp died: billed as Fargate would (here the one-minute minimum), not as free
  const shown = JSON.parse((await hyperp(['runs', 'show', 'last', '--repo', repo, '--json'])).stdout) as { costUsd: number; jobs: { tasks: { costUsd: number; durationSeconds: number | null }[] }[] };
  const minute = JSON.parse((await hyperp(['cost', 'estimate', '--cpu', '256', '--memory', '512', '--seconds', '60', '--json'])).stdout) as { usd: number };
  const inView = Math.round(minute.usd * 1e8) / 1e8; // views round to a millionth of a cent
  assert.equal([shown.jobs[0]!.tasks[0]!.costUsd, shown.costUsd], [inView, inView]);
  assert.ok(shown.jobs[0]!.tasks[0]!.durationSeconds !== null);
  const text = (await hyperp(['runs', 'show', 'last', '--repo', repo])).stdout.split('\n');
  assert.equal(text.filter((l) => l.includes(' — ')).map((l) => l.replace(/\$[0-9.]+/, '$')), ['  CANCELLED long  $  1 task  — cancelled: requested with hyperp cancel', '  SKIPPED   then  $  — cancelled: requested with hyperp cancel']);
  const again = await hyperp(['cancel', 'last', '--repo', repo]);
  assert.equal([again.code, again.stderr.replace(/run \S+/, 'run R')], [1, 'error: run R has already ended CANCELLED\n']);
});

test('SIGINT (Ctrl-C) to the hyperp process cancels the run cleanly: exit 1, CANCELLED, no sandbox left', async () => {
  const repo = makeRepo([{ name: 'long', stopTimeout: 1, script: 'import time\nprint("started", flush=True)\ntime.sleep(30)\n' }]);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'run', '--repo', repo, '--engine', 'process', '--json'], {
    cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, INIT_CWD: '' },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if ((await hyperp(['logs', 'last', 'long', '--repo', repo])).stdout === 'started\n') break;
  }
  // Sandboxes of this run: processes whose command line binds the repository's folders (a
  // sandbox orphaned by hyperp's exit would still show here; a reaped one has no command line).
  const sandboxes = () => readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').some((arg) => arg.startsWith(`${repo}/.hyperp/`));
    } catch {
      return false;
    }
  });
  assert.ok(sandboxes().length > 0, 'the task runs in a sandbox');
  child.kill('SIGINT');
  assert.is(await exited, 1);
  const run = (JSON.parse(stdout) as { runs: { status: string; jobs: { status: string }[] }[] }).runs[0]!;
  assert.equal([run.status, run.jobs.map((j) => j.status)], ['CANCELLED', ['CANCELLED']]);
  assert.equal(sandboxes(), []);
});

test.run();
