import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hyperp } from './run-cli.js';

test('no command prints help and exits 2', async () => {
  const r = await hyperp([]);
  assert.is(r.code, 2);
  assert.match(r.stderr, 'Usage: hyperp');
});

test('an unknown command is a usage error', async () => {
  const r = await hyperp(['frobnicate']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /unknown command|too many arguments/);
});

test('--help exits 0', async () => {
  const r = await hyperp(['--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, 'Usage: hyperp');
});

test.run();
