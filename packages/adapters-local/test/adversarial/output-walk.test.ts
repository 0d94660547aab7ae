// The walk both zips use (the local one and the AWS one, which the zip-to-s3 test compares) on
// what a job can make that the zips' own tests do not: a tree deeper than the host's PATH_MAX, and
// a cancel in the middle of a large tree. Links, FIFOs, sockets, devices, names and modes are in
// outputs-zip.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkOutput } from '@hyperp/adapters-local/output-walk';
import { tempDir } from '../temp.js';

test('a tree deeper than PATH_MAX fails with one short line naming the entry in the output, not the host path', async () => {
  const root = tempDir('hyperp-walk-deep-');
  const out = join(root, 'out');
  mkdirSync(out);
  // Made one level at a time from inside: the full path is past what the host takes in one call.
  const part = 'd'.repeat(200);
  const cwd = process.cwd();
  process.chdir(out);
  try {
    for (let i = 0; i < 22; i++) {
      mkdirSync(part);
      process.chdir(part);
    }
    writeFileSync('deep.txt', 'x');
  } finally {
    process.chdir(cwd);
  }
  try {
    await walkOutput(out).then(
      () => assert.unreachable('a tree the host cannot name must not be walked as if complete'),
      (e: Error) => {
        assert.match(e.message, /^cannot read "d{200}…" in the output: ENAMETOOLONG$/);
        assert.not.ok(e.message.includes(root), e.message);
      },
    );
  } finally {
    // GNU rm removes a tree of any depth; Node's rmSync would meet the same limit.
    execFileSync('rm', ['-rf', out]);
  }
});

test('a cancel stops the walk of a large tree with the cancel\'s reason', async () => {
  const out = join(tempDir('hyperp-walk-cancel-'), 'out');
  for (let i = 0; i < 300; i++) {
    mkdirSync(join(out, `f${i}`), { recursive: true });
    writeFileSync(join(out, `f${i}`, 'a.txt'), 'a');
  }
  const walked = await walkOutput(out);
  assert.is(walked.found.length, 300);

  const stop = new AbortController();
  const p = walkOutput(out, stop.signal);
  setImmediate(() => stop.abort(new Error('the run is going away')));
  await p.then(() => assert.unreachable('a cancelled walk must not resolve'), (e: Error) => assert.is(e.message, 'the run is going away'));
  await walkOutput(out, AbortSignal.abort(new Error('gone already'))).then(
    () => assert.unreachable('a walk cancelled before it starts must not resolve'),
    (e: Error) => assert.is(e.message, 'gone already'),
  );
});

test.run();
