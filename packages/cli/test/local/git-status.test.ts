// `.hyperp/` is the runtime's own: after any command, the user's `git status` does not show it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from './repo.js';

const status = (dir: string): string => execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--ignored=no'], { cwd: dir, encoding: 'utf8' });

test('no command leaves .hyperp/ in git status', async () => {
  const repo = makeRepo([
    { name: 'make', script: 'open("/output/v", "w").write("1")\n', downloadable: true },
    { name: 'fail', dependsOn: ['make'], script: 'raise SystemExit(3)\n' },
  ]);
  const out = join(repo, '..', `${repo.split('/').pop()}-download.zip`);
  const commands: string[][] = [
    ['validate', '--repo', repo],
    ['plan', '--repo', repo, '--engine', 'process'],
    ['graph', '--repo', repo],
    ['run', '--repo', repo, '--engine', 'process'],
    ['runs', 'list', '--repo', repo],
    ['runs', 'show', 'last', '--repo', repo],
    ['logs', 'last', 'make', '--repo', repo],
    ['cost', 'last', '--repo', repo],
    ['artifacts', 'download', 'last', 'make', '--repo', repo, '-o', out],
    ['rerun', 'last', '--failed', '--repo', repo, '--engine', 'process'],
    ['resume', 'last', '--repo', repo, '--engine', 'process'],
    ['cancel', 'last', '--repo', repo],
  ];
  const seen: [string, string][] = [];
  for (const c of commands) {
    await hyperp(c);
    seen.push([c.slice(0, 2).join(' '), status(repo)]);
  }
  assert.equal(seen, commands.map((c) => [c.slice(0, 2).join(' '), '']));
});

test('a corrupt image index is reported, and the run builds what it needs', async () => {
  const repo = makeRepo([{ name: 'make', script: 'open("/output/v", "w").write("1")\n' }]);
  mkdirSync(join(repo, '.hyperp', 'images'), { recursive: true });
  const index = join(repo, '.hyperp', 'images', 'index.json');
  writeFileSync(index, 'not json');
  const plan = await hyperp(['plan', '--repo', repo, '--engine', 'process']);
  assert.equal([plan.code, plan.stderr], [0, `warning: the image index ${index} is not valid JSON; it is read as empty, so its images are built again\n`]);
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.split('\n').filter((l) => l.includes('image index')), [
    `warning: the image index ${index} is not valid JSON; it is read as empty, so its images are built again`,
    `warning: the image index ${index} is not valid JSON; it was moved to ${index}.corrupt and a new index started`,
  ]);
  const after = await hyperp(['plan', '--repo', repo, '--engine', 'process']);
  assert.equal([after.stderr, status(repo)], ['', '']);
});

test.run();
