// The live block's rows, from states a simulated run goes through: fitted to the window, a
// summary when taller than it, and durations that leave out the wait for a launch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialState, reduce, vecToArray, type RunState } from '@hyperp/core';
import { simulate, syntheticRunRequested, type SyntheticJob } from '@hyperp/core/sim';
import stringWidth from 'string-width';
import { liveRows } from '../../src/views/live-block.js';

/** Every state of a simulated run: tasks start 4 s after their launch is accepted and run 9 s (3 s to fail with `exit(job)`). */
const states = (jobs: readonly SyntheticJob[], exit: (job: string) => number = () => 0, name = 'demo'): RunState[] => {
  const request = syntheticRunRequested({ name, jobs: jobs.map((j) => ({ imageAction: 'reuse', ...j })) }, { runId: 'r1', at: Date.UTC(2026, 10, 22) });
  const sim = simulate({ seed: 1, request, model: { startLatencyMs: 4000, buildMs: () => 1000, task: (job) => ({ durationMs: exit(job) === 0 ? 9000 : 3000, exitCode: exit(job) }) }, recordHistory: true });
  const out: RunState[] = [];
  let s = initialState();
  for (const e of sim.history) out.push((s = reduce(s, e)[0]));
  return out;
};

const big = { columns: 100, rows: 30 };

test('a job whose task waits for its launch shows WAITING, and its duration runs from when its task ran', () => {
  const all = states([{ name: 'only' }]);
  const waiting = all.find((s) => vecToArray(s.jobs)[0]!.taskCounts.LAUNCHING === 1)!;
  assert.equal(liveRows([{ runId: 'r1', state: waiting }], waiting.now, big), ['demo  r1  RUNNING  $0.0000', '  WAITING   only  tasks 0/1 done, 1 waiting  $0.0000']);
  const end = all.at(-1)!;
  const job = vecToArray(end.jobs)[0]!;
  const ran = vecToArray(job.tasks)[0]!.attempts[0]!.runningAt!;
  assert.ok(job.startedAt! < ran);
  assert.match(liveRows([{ runId: 'r1', state: end }], end.now, big)[1]!, new RegExp(`^ {2}SUCCEEDED only {2}tasks 1/1 done {2}${((job.finishedAt! - ran) / 1000).toFixed(1)}s {2}\\$`));
});

test('taller than the window: each run\'s status line, its failed and running jobs first, others as fit, then how many more', () => {
  const jobs = Array.from({ length: 12 }, (_, i) => ({ name: `j${i + 1}`, ...(i >= 8 ? { dependsOn: ['j1'] } : {}) }));
  const all = states(jobs, (job) => (job === 'j6' ? 2 : 0));
  // the moment j6 failed, while the seven it ran beside still run and four wait for j1
  const s = all.find((x) => vecToArray(x.jobs)[5]!.status === 'FAILED')!;
  const other = states([{ name: 'a' }, { name: 'b' }, { name: 'c' }], () => 0, 'other')[0]!;
  const rows = liveRows([{ runId: 'r1', state: s }, { runId: 'r2', state: other }], s.now, { columns: 60, rows: 8 });
  assert.equal(rows.map((r) => r.replace(/ {2}\d+\.\ds {2}\$.*| {2}\$.*/, '')), [
    'demo  r1  RUNNING',
    '  FAILED    j6  tasks 0/1 done, 1 failed',
    '  RUNNING   j1  tasks 0/1 done, 1 running',
    '  RUNNING   j2  tasks 0/1 done, 1 running',
    '  … 9 more: 5 RUNNING, 4 PENDING',
    'other  r2  PENDING',
    '  … 3 more: 3 READY',
  ]);
  // the same block in a window tall enough: every job, in the workflow's order
  assert.equal(liveRows([{ runId: 'r1', state: s }], s.now, { columns: 60, rows: 14 }).slice(1).map((r) => r.slice(12, 15).trim()), jobs.map((j) => j.name));
});

test('rows are cut to the width by display width, wide characters and long names too', () => {
  const name = '数据清洗'.repeat(20);
  const s = states([{ name }]).at(-1)!;
  for (const columns of [20, 33, 80]) {
    const rows = liveRows([{ runId: 'r1', state: s }], s.now, { columns, rows: 10 });
    assert.ok(rows.every((r) => stringWidth(r) <= columns - 1), rows.join('\n'));
    assert.match(rows[1]!, /^ {2}SUCCEEDED 数据.*…/);
  }
  // wide enough for the status, tasks, duration and cost: only the name is shortened
  assert.match(liveRows([{ runId: 'r1', state: s }], s.now, { columns: 80, rows: 10 })[1]!, /…\S* {2}tasks 1\/1 done {2}\d+\.\ds {2}\$0\.\d{4}$/);
});

test.run();
