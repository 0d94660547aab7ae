// A cloned repository that links or commits `.hyperp`: every local command refuses it with one
// line and exit code 1, and writes nothing where the link points.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

const outside = mkdtempSync(join(tmpdir(), 'hyperp-outside-'));
process.once('exit', () => rmSync(outside, { recursive: true, force: true }));

const commit = (dir: string) => {
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });
  git('add', '-A', '-f');
  git('commit', '-q', '-m', 'plant');
};

const commands = (repo: string): string[][] => [
  ['run', '--repo', repo, '--engine', 'process'],
  ['plan', '--repo', repo, '--engine', 'process'],
  ['runs', 'list', '--repo', repo],
  ['runs', 'show', 'last', '--repo', repo],
];

test('a committed .hyperp link is refused by every local command in one line, and nothing is written where it points', async () => {
  const repo = makeRepo([{ name: 'a', script: 'print(1)\n' }]);
  symlinkSync(outside, join(repo, '.hyperp'));
  commit(repo);
  for (const args of commands(repo)) {
    const r = await hyperp(args);
    assert.is(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: \.hyperp is a symbolic link \(to [^\n]*\), in [^\n]*; hyperp keeps its state in a real folder it makes itself: remove it and run again\n$/, args.join(' '));
  }
  assert.equal(readdirSync(outside), []);
});

test('a .hyperp tracked by git is refused by every local command in one line', async () => {
  const repo = makeRepo([{ name: 'a', script: 'print(1)\n' }]);
  mkdirSync(join(repo, '.hyperp', 'runs'), { recursive: true });
  writeFileSync(join(repo, '.hyperp', 'runs', 'x'), '');
  commit(repo);
  for (const args of commands(repo)) {
    const r = await hyperp(args);
    assert.is(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: \.hyperp is tracked by git \(1 file, e\.g\. \.hyperp\/runs\/x\) in [^\n]*git rm -r --cached \.hyperp and delete the folder\n$/, args.join(' '));
  }
});

test.run();
