import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotDirectory, snapshotFolder } from '../../src/repo/folder.js';

const dirs: string[] = [];
const folder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-folder-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'hyperp-workflows'));
  mkdirSync(join(dir, 'job', 'deep'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(dir, 'hyperp-workflows', 'w.yaml'), 'workflowName: w\n');
  writeFileSync(join(dir, 'job', 'deep', 'main.py'), 'print("é")\n');
  writeFileSync(join(dir, 'job', 'empty'), '');
  writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), 'skipped\n');
  symlinkSync('deep/main.py', join(dir, 'job', 'link'));
  // Executable for its owner only: git records 100755 all the same.
  writeFileSync(join(dir, 'job', 'run.sh'), '#!/bin/sh\n', { mode: 0o744 });
  return dir;
};

test('a plain folder lists the same blob ids and modes git would, leaving out node_modules', async () => {
  const dir = folder();
  const plain = snapshotFolder(dir);
  assert.equal({ commit: plain.commit, dirty: plain.dirty }, { commit: '', dirty: true });
  assert.equal(plain.files.map((f) => [f.path, f.mode]), [
    ['hyperp-workflows/w.yaml', undefined], ['job/deep/main.py', undefined], ['job/empty', undefined], ['job/link', 'symlink'], ['job/run.sh', 'executable'],
  ]);
  assert.is(plain.read('job/deep/main.py'), 'print("é")\n');
  assert.is(plain.read('node_modules/x/index.js'), undefined);
  // The same folder as a git repository: git's own ids must match.
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  const viaGit = await snapshotDirectory(dir);
  assert.equal(viaGit.files.filter((f) => f.path !== '.gitignore'), plain.files);
});

test('snapshotDirectory falls back to the plain folder outside git', async () => {
  const dir = folder();
  const snap = await snapshotDirectory(dir);
  assert.equal(snap.files, snapshotFolder(dir).files);
});

test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
test.run();
