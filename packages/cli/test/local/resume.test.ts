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
    { name: 'second', dependsOn: ['first'], script: 'import time\nprint("started", flush=True)\ntime.sleep(1.5)\nopen("/output/v", "w").write(str(int(open("/input/first/v").read()) * 6))\n' },
  ], { shared: ['s'] });
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'run', '--repo', repo, '--engine', 'process'], {
    cwd: root, stdio: 'ignore', env: { ...process.env, INIT_CWD: '' },
  });
  // Wait until "second" is running (its RUNNING state is in the log), then kill hyperp outright.
  let runId = '';
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const runs = join(repo, '.hyperp', 'runs');
    if (!existsSync(runs)) continue;
    runId = readdirSync(runs)[0] ?? '';
    const log = runId ? join(runs, runId, 'events.jsonl') : '';
    if (log && existsSync(log) && readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"lastStatus":"RUNNING"')).length >= 2) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const mid = JSON.parse((await hyperp(['runs', 'show', runId, '--repo', repo, '--json'])).stdout) as { status: string; jobs: { name: string; status: string }[] };
  assert.equal(mid.jobs.map((j) => [j.name, j.status]), [['first', 'SUCCEEDED'], ['second', 'RUNNING']]);

  const r = await hyperp(['resume', runId, '--repo', repo, '--engine', 'process', '--json']);
  assert.is(r.code, 0, r.stderr);
  const run = (JSON.parse(r.stdout) as { runs: { status: string; jobs: { name: string; status: string; outputDir: string; tasks: unknown[] }[] }[] }).runs[0]!;
  assert.is(run.status, 'SUCCEEDED');
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
  const again = await hyperp(['cancel', 'last', '--repo', repo]);
  assert.equal([again.code, again.stderr.replace(/run \S+/, 'run R')], [1, 'error: run R has already ended CANCELLED\n']);
});

test.run();
