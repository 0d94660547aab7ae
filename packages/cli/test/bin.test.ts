// The `hyperp` executable itself, as a shell runs it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';

const root = new URL('../../..', import.meta.url).pathname;
const bin = new URL('../src/bin.ts', import.meta.url).pathname;

test('a reader that closes early (| head) ends hyperp quietly, not with an EPIPE crash', async () => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', bin, 'graph', '--repo', 'fixtures/calculator', '--format', 'dot'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy(); // the reader is gone before hyperp writes anything
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(stderr.includes('EPIPE'), false, stderr);
  assert.is(code, 0);
});

test('the exit code is the command\'s', async () => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', bin, 'validate', '--repo', 'fixtures/invalid/dependency-cycle'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(code, 1);
  assert.match(stdout, /error/);
});

test.run();
