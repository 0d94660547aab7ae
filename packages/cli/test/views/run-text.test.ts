// The text of a run (`runs show`, the end of `run`): each job with why it failed, was skipped or reused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunView } from '@hyperp/core';
import { formatRunView } from '../../src/views/run-text.js';

const task = { index: 1, attempt: 1, status: 'FAILED', exitCode: 4, durationSeconds: 1.5, costUsd: 0.000206, logFile: null };
const view: RunView = {
  runId: 'r2', workflow: 'demo', commit: 'e99822c2e1289999', status: 'FAILED', costUsd: 0.000206,
  jobs: [
    { name: 'good', status: 'SUCCEEDED', attempts: 0, outputDir: '/o/good', costUsd: 0, tasks: [] },
    { name: 'bad', status: 'FAILED', attempts: 1, outputDir: '/o/bad', costUsd: 0.000206, tasks: [task] },
    { name: 'after', status: 'SKIPPED', attempts: 0, outputDir: '/o/after', costUsd: 0, tasks: [] },
  ],
  retries: [],
};

test('each job says why it failed, was skipped or where its output was reused from', () => {
  const text = formatRunView(view, {
    failure: 'job "bad" failed: task 1: container "main" exited with code 4',
    dirty: true,
    jobReasons: ['reused from run r1', 'task 1: container "main" exited with code 4', 'upstream job "bad" failed'],
  });
  assert.is(text, [
    'run r2  demo  FAILED',
    'commit e99822c2e128 (with uncommitted changes)   cost on Fargate $0.000206',
    'why: job "bad" failed: task 1: container "main" exited with code 4',
    '  SUCCEEDED good  $0.0000  — reused from run r1',
    '  FAILED    bad  $0.000206  1 task  — task 1: container "main" exited with code 4',
    '      task 1 attempt 1: FAILED exit 4  1.5s  $0.000206',
    '  SKIPPED   after  $0.0000  — upstream job "bad" failed',
    '',
  ].join('\n'));
});

test('without reasons (a view that has none) the jobs print as they are', () => {
  const text = formatRunView(view, { failure: null, dirty: false });
  assert.is(text.split('\n')[2], '  SUCCEEDED good  $0.0000');
});

test('a job line counts its tasks, and its attempts only when a task was retried', () => {
  const attempt = (index: number, n: number) => ({ ...task, index, attempt: n, status: 'SUCCEEDED', exitCode: 0 });
  const job = (name: string, tasks: (typeof task)[]) => ({ name, status: 'SUCCEEDED', attempts: tasks.length, outputDir: `/o/${name}`, costUsd: 0, tasks });
  const jobs = [
    job('once', [attempt(1, 1), attempt(2, 1)]),
    job('retried', [attempt(1, 1), attempt(1, 2), attempt(2, 1)]),
    job('single', [attempt(1, 1), attempt(1, 2)]),
  ];
  const text = formatRunView({ ...view, status: 'SUCCEEDED', jobs }, { failure: null, dirty: false });
  assert.equal(text.split('\n').filter((l) => l.startsWith('  SUCCEEDED')), [
    '  SUCCEEDED once  $0.0000  2 tasks',
    '  SUCCEEDED retried  $0.0000  2 tasks, 3 attempts',
    '  SUCCEEDED single  $0.0000  1 task, 2 attempts',
  ]);
});

test.run();
