// The CLI's error edge: whatever a command throws, a user sees one line and the documented exit
// code, never a Node stack trace (HYPERP_DEBUG=1 adds the stack for whoever debugs hyperp).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { runCli, type Register } from '../../src/program.js';
import type { CliContext } from '../../src/context.js';

const failing = (thrown: () => unknown): Register => (program, run) => {
  program.command('boom').action(() => run(async () => {
    throw thrown();
  }));
};

const call = async (registered: Register, env: Record<string, string> = {}) => {
  let stderr = '';
  let stdout = '';
  const ctx: CliContext = {
    cwd: process.cwd(), env, isTTY: false, signal: new AbortController().signal,
    out: (s) => (stdout += s), err: (s) => (stderr += s),
  };
  const code = await runCli(['boom'], ctx, [registered]);
  return { code, stderr, stdout };
};

test('an unexpected error is one line and exit 1: no stack trace', async () => {
  const r = await call(failing(() => new TypeError("Cannot read properties of null (reading 'jobs')")));
  assert.is(r.code, 1);
  assert.is(r.stderr, "error: Cannot read properties of null (reading 'jobs') (an unexpected error; HYPERP_DEBUG=1 shows where)\n");
  assert.is(r.stdout, '');
});

test('a system error keeps its code; a multi-line message shows its first line; a thrown non-Error too', async () => {
  const e = Object.assign(new Error('EISDIR: illegal operation on a directory, copyfile'), { code: 'EISDIR' });
  assert.is((await call(failing(() => e))).stderr, 'error: EISDIR: illegal operation on a directory, copyfile (an unexpected error; HYPERP_DEBUG=1 shows where)\n');
  const noCode = Object.assign(new Error('read failed'), { code: 'EIO' });
  assert.match((await call(failing(() => noCode))).stderr, /^error: read failed \(EIO\) \(/);
  assert.match((await call(failing(() => new Error('\nfirst\n    at x (y.js:1:1)')))).stderr, /^error: first \(an unexpected error/);
  const s = await call(failing(() => 'a string'));
  assert.is(s.code, 1);
  assert.match(s.stderr, /^error: a string \(/);
});

test('HYPERP_DEBUG=1 prints the stack after the line', async () => {
  const r = await call(failing(() => new RangeError('too deep')), { HYPERP_DEBUG: '1' });
  assert.is(r.code, 1);
  assert.match(r.stderr, /^error: too deep\nRangeError: too deep\n {4}at /);
});

test('the executable: an error thrown outside any command (a stray callback) is one line too', async () => {
  // A timer that throws once hyperp's handlers are in place, whatever the command is doing.
  const root = new URL('../../../..', import.meta.url).pathname;
  const bin = new URL('../../src/bin.ts', import.meta.url).pathname;
  const stray = `
    const started = import(${JSON.stringify(bin)});
    const arm = () => process.listenerCount('uncaughtException') > 0 ? setTimeout(() => { throw new Error('stray failure'); }, 0) : setImmediate(arm);
    arm();
    await started;`;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '--eval', stray, '--', 'validate', '--repo', 'fixtures/calculator'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HYPERP_DEBUG: '' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.not.match(stderr, /\n\s+at /, stderr);
  assert.match(stderr, /^error: stray failure \(an unexpected error; HYPERP_DEBUG=1 shows where\)$/m);
  assert.is(code, 1, stderr);
});

test.run();
