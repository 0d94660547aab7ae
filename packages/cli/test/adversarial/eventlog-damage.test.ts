// A run's event log damaged on disk, seen through the commands: one line of NUL bytes mid-log
// (what a file system leaves after a crash) or one `null` line. `runs show` and `runs list`
// say so, `resume` refuses to redo finished work without --accept-damaged-log, `cancel` works.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

// 3 jobs × 6 tasks = 18 tasks; each execution appends a line to the shared folder.
const repo = makeRepo([
  { name: 'a', concurrency: 6, script: 'import os\nopen("/shared/s/ran", "a").write("a" + os.environ["TASK_INDEX"] + "\\n")\n' },
  { name: 'b', concurrency: 6, dependsOn: ['a'], script: 'import os\nopen("/shared/s/ran", "a").write("b" + os.environ["TASK_INDEX"] + "\\n")\n' },
  { name: 'c', concurrency: 6, dependsOn: ['b'], script: 'import os\nopen("/shared/s/ran", "a").write("c" + os.environ["TASK_INDEX"] + "\\n")\n' },
], { shared: ['s'] });

const done = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '4', '--json']);
assert.is(done.code, 0, done.stderr);
const runId = readdirSync(join(repo, '.hyperp', 'runs'))[0]!;
const log = join(repo, '.hyperp', 'runs', runId, 'events.jsonl');
const whole = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
const ranFile = (): string => {
  const rel = readdirSync(join(repo, '.hyperp', 'artifacts'), { recursive: true }).map(String).find((p) => p.endsWith(join('s', 'ran')))!;
  return join(repo, '.hyperp', 'artifacts', rel);
};
const ran = (): number => readFileSync(ranFile(), 'utf8').split('\n').filter(Boolean).length;
assert.is(ran(), 18);

/**
 * The log as a driver killed mid-run leaves it (its first 20 events: the run has not ended),
 * with line `n` replaced: by NULs of its length, or by `null`.
 */
const damaged = (n: number, by: 'nul' | 'null'): void => {
  const cut = whole.slice(0, 20);
  cut[n - 1] = by === 'nul' ? '\0'.repeat(cut[n - 1]!.length) : 'null';
  writeFileSync(log, cut.join('\n') + '\n');
};

const show = (...args: string[]) => hyperp(['runs', 'show', runId, '--repo', repo, ...args]);

test('a line of NUL bytes mid-log: runs show warns with the line number (it printed PENDING with no warning)', async () => {
  damaged(2, 'nul');
  const text = await show();
  assert.is(text.code, 0);
  assert.is(text.stderr, `warning: run ${runId}: 1 damaged line (line 2) skipped in .hyperp/runs/${runId}/events.jsonl (not events); what they recorded is missing here\n`);
  const json = await show('--json');
  assert.equal((JSON.parse(json.stdout) as { damagedLines: number[] }).damagedLines, [2]);
});

test('resume of a log damaged mid-way refuses, names the lines and runs nothing again (it ran all 18 tasks again)', async () => {
  damaged(2, 'nul');
  const before = ran();
  const r = await hyperp(['resume', runId, '--repo', repo, '--engine', 'process']);
  assert.is(r.code, 1);
  assert.ok(r.stderr.includes(`error: run ${runId}: ${log} has 1 damaged line (line 2) skipped: what they recorded is lost, and going on could run finished tasks again. Look at those lines; to go on without them: hyperp resume ${runId} --accept-damaged-log\n`), r.stderr);
  assert.is(ran(), before);
});

test('resume --accept-damaged-log goes on without the damaged lines', async () => {
  damaged(2, 'nul');
  const r = await hyperp(['resume', runId, '--repo', repo, '--engine', 'process', '--accept-damaged-log', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is((JSON.parse(r.stdout) as { runs: { status: string }[] }).runs[0]!.status, 'SUCCEEDED');
});

test('one null line: runs show, runs list, resume and cancel neither crash nor lose the other runs (a TypeError in each)', async () => {
  damaged(5, 'null');
  const s = await show();
  assert.is(s.code, 0, s.stderr);
  assert.match(s.stderr, /1 damaged line \(line 5\) skipped/);
  const list = await hyperp(['runs', 'list', '--repo', repo]);
  assert.is(list.code, 0, list.stderr);
  // its driver is gone too: resuming it means accepting the damage
  assert.match(list.stdout, new RegExp(`^${runId}  \\S+ +test  [0-9a-f]{12}  \\$[0-9.]+  ! log damaged: 1 line skipped \\(hyperp runs show ${runId}\\)  ! stopped: no hyperp process is driving it any more; continue it with: hyperp resume ${runId} --repo ${repo} --accept-damaged-log\\n$`));
  const resume = await hyperp(['resume', runId, '--repo', repo, '--engine', 'process']);
  assert.is(resume.code, 1);
  assert.match(resume.stderr, /1 damaged line \(line 5\)/);
  const cancel = await hyperp(['cancel', runId, '--repo', repo]);
  assert.is(cancel.code, 0, cancel.stderr);
  assert.is(cancel.stdout, `run ${runId}: CANCELLED\n`);
});

test('runs list shows a run whose log cannot be read at all, and every other run', async () => {
  damaged(2, 'null');
  const r2 = '20000101-000000000-0000';
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(repo, '.hyperp', 'runs', r2, 'events.jsonl'), { recursive: true });
  const list = await hyperp(['runs', 'list', '--repo', repo]);
  assert.is(list.code, 0, list.stderr);
  const lines = list.stdout.split('\n').filter(Boolean);
  assert.is(lines.length, 2);
  assert.match(lines[0]!, new RegExp(`^${r2}  UNREADABLE .*  ! its event log cannot be read: EISDIR`));
  assert.match(lines[1]!, /! log damaged: 1 line skipped/);
});

test.run();
