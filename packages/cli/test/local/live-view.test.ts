// On a terminal, `hyperp run` redraws a live block of jobs in place; elsewhere it prints lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../src/program.js';
import { makeRepo } from './repo.js';

const runTTY = async (args: string[], isTTY: boolean) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd: process.cwd(), env: {}, isTTY, signal: new AbortController().signal,
    out: (s) => (stdout += s), err: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
};

test('a terminal gets a live block redrawn in place; a pipe gets one line per change', async () => {
  const repo = makeRepo([{ name: 'only', script: 'import time\ntime.sleep(0.6)\nprint("done")\n' }]);
  const tty = await runTTY(['run', '--repo', repo, '--engine', 'process'], true);
  assert.is(tty.code, 0);
  // the block is erased and drawn again (cursor up N lines, clear to the end)…
  assert.match(tty.stdout, /\x1b\[[0-9]+F\x1b\[J/);
  // …and its last drawing shows the finished run and job
  const lastBlock = tty.stdout.split(/\x1b\[[0-9]+F\x1b\[J/).at(-1)!;
  assert.match(lastBlock, /^test {2}\S+ {2}SUCCEEDED {2}\$0\.\d{4}\n {2}SUCCEEDED only {2}tasks 1\/1 done {2}\d+\.\ds {2}\$0\.\d{4}\n/);
  const pipe = await runTTY(['run', '--repo', repo, '--engine', 'process'], false);
  assert.is(pipe.code, 0);
  assert.not.match(pipe.stdout + pipe.stderr, '\x1b[');
  const lines = pipe.stderr.split('\n').filter((l) => /^\d\d:\d\d:\d\d /.test(l)).map((l) => l.slice(9));
  const runId = pipe.stderr.match(/^run (\S+):/m)![1];
  const order = ['  job "only": RUNNING', '  job "only" task 1 attempt 1: SUCCEEDED', '  job "only": SUCCEEDED', `run ${runId} (test): SUCCEEDED`].map((l) => lines.indexOf(l));
  assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), lines.join('\n'));
  assert.is(lines.at(-1), `run ${runId} (test): SUCCEEDED`);
  assert.is(new Set(lines).size, lines.length);
});

test('a failed attempt that is retried is shown: "retrying" live, and its failure and next attempt as lines', async () => {
  const repo = makeRepo([{
    name: 'flaky',
    retries: 1,
    script: 'import os, sys\nif not os.path.exists("/output/tried"):\n    open("/output/tried", "w").write("1")\n    sys.exit(1)\n',
  }]);
  const tty = await runTTY(['run', '--repo', repo, '--engine', 'process'], true);
  assert.is(tty.code, 0);
  // during the one-second back-off the block says so
  assert.match(tty.stdout, /\n {2}RUNNING {3}flaky {2}tasks 0\/1 done, 1 retrying {2}/);
  const pipe = await runTTY(['run', '--repo', repo, '--engine', 'process'], false);
  assert.is(pipe.code, 0);
  const lines = pipe.stderr.split('\n').filter((l) => /^\d\d:\d\d:\d\d /.test(l)).map((l) => l.slice(9));
  const failed = lines.find((l) => l.includes('attempt 1:'))!;
  assert.match(failed, /^ {2}job "flaky" task 1 attempt 1: FAILED — container "main" exited with code 1; attempt 2 at \d\d:\d\d:\d\d$/);
  assert.ok(lines.indexOf('  job "flaky" task 1 attempt 2: SUCCEEDED') > lines.indexOf(failed), lines.join('\n'));
});

test.run();
