// A repository whose task definition is a link to a secret file outside it: no command prints
// the secret, and the job is not run (the link reads as its target text, as git stores it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

const SECRET = 'aws_secret_access_key=TOP-SECRET-41d9';
const home = mkdtempSync(join(tmpdir(), 'hyperp-home-'));
process.once('exit', () => rmSync(home, { recursive: true, force: true }));

test('validate, plan and run of a task definition linked to a secret file: no secret in any output, nothing run', async () => {
  // The secret file is a task definition too (with the secret in its environment), so that following the link would run it.
  const secret = join(home, 'credentials');
  writeFileSync(secret, JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'job0/Dockerfile', environment: [{ name: 'K', value: SECRET }] }] }));
  const repo = makeRepo([{ name: 'a', script: 'print(1)\n' }]);
  unlinkSync(join(repo, 'job0/taskdef.json'));
  symlinkSync(secret, join(repo, 'job0/taskdef.json'));
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'link'], { cwd: repo });
  for (const args of [['validate'], ['validate', '--json'], ['plan', '--engine', 'process'], ['run', '--engine', 'process'], ['run', '--engine', 'process', '--ref', 'HEAD']]) {
    const r = await hyperp([...args, '--repo', repo]);
    assert.is(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.not.ok(`${r.stdout}${r.stderr}`.includes('TOP-SECRET'), `${args.join(' ')} printed the secret`);
    assert.match(`${r.stdout}${r.stderr}`, 'job0/taskdef.json', args.join(' '));
  }
  assert.is(existsSync(join(repo, '.hyperp', 'runs')), false, 'no run was opened');
});

test.run();
