// The embedding example of docs/embedding.md runs as a user would run it, and says what it should.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { estimateTaskCost } from '../src/cost/task.js';

const root = new URL('../../..', import.meta.url).pathname;

test('packages/core/examples/embed.ts drives a run to SUCCEEDED through its own orchestrator', () => {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/core/examples/embed.ts'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  // Three tasks of 1.5 s each, billed the one-minute minimum at 0.25 vCPU and 0.5 GB.
  const estimate = estimateTaskCost({ cpu: 256, memory: 512, region: 'us-east-1' }, 1.5);
  const perTask = estimate.ok ? estimate.value.usd : Number.NaN;
  assert.equal(r.stdout.split('\n'), [
    'SetCommitStatus pending: running 2 jobs',
    'EnsureDirectories',
    'RegisterTaskDefinition',
    'RegisterTaskDefinition',
    'RunTask greet #1',
    'RunTask greet #2',
    'RunTask shout #1',
    'DeregisterTaskDefinitions',
    'SetCommitStatus success: 2 jobs succeeded',
    '',
    `run SUCCEEDED; outputs {"greet":["hello from task 1","hello from task 2"],"shout":["HELLO FROM TASK 1 / HELLO FROM TASK 2"]}; Fargate cost $${Math.round(perTask * 3 * 1e9) / 1e9}`,
    '',
  ]);
});

test.run();
