import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
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

test('--version and -V print the version of the CLI\'s package.json and exit 0 (there was no --version)', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.match(version, /^\d+\.\d+\.\d+/);
  for (const flag of ['--version', '-V']) assert.equal(await hyperp([flag]), { code: 0, stdout: `${version}\n`, stderr: '' });
});

test.run();
