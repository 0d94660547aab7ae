import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { snapshotCommit, snapshotWorkingTree } from '../../src/repo/snapshot.js';
import { GitError } from '../../src/repo/git.js';

/** Git's blob id, computed here independently of git: sha1("blob <size>\0<content>"). */
const blobId = (content: string): string => {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body])).digest('hex');
};

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
};
const sh = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();

const dirs: string[] = [];
const repo = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-snap-'));
  dirs.push(dir);
  sh(dir, 'init', '-q', '-b', 'main');
  write(dir, files);
  return dir;
};
const write = (dir: string, files: Record<string, string>): void => {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
};
const commit = (dir: string, message = 'c'): string => {
  sh(dir, 'add', '-A');
  sh(dir, 'commit', '-q', '-m', message);
  return sh(dir, 'rev-parse', 'HEAD');
};
const listing = (files: Record<string, string>) =>
  Object.entries(files)
    .map(([path, content]) => ({ path, blob: blobId(content) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));

const base = {
  '.gitignore': 'build/\n*.log\n',
  'hyperp-workflows/calc.yaml': 'workflowName: calc\n',
  'gen/Dockerfile': 'FROM python:3.12-slim\n',
  'gen/main.py': 'print(1)\n',
  'dir with space/ünï.txt': 'x\n',
};

const commits = suite('snapshotCommit');

commits('lists every file of the commit with its blob id and reads contents', async () => {
  const dir = repo(base);
  const id = commit(dir);
  write(dir, { 'gen/main.py': 'print(2)\n', 'new.txt': 'n\n' });
  const snap = await snapshotCommit(dir, 'HEAD');
  assert.equal({ commit: snap.commit, dirty: snap.dirty, files: snap.files }, { commit: id, dirty: false, files: listing(base) });
  assert.is(snap.read('gen/main.py'), 'print(1)\n');
  assert.is(snap.read('new.txt'), undefined);
  assert.is(snap.read('gen'), undefined);
});

commits('an older commit, by any revision name, and only below a subfolder', async () => {
  const dir = repo(base);
  const first = commit(dir);
  write(dir, { 'gen/main.py': 'print(3)\n', 'gen/more/extra.py': 'e\n', 'genx/other.py': 'o\n' });
  commit(dir);
  sh(dir, 'tag', 'v1', first);
  const old = await snapshotCommit(join(dir, 'gen'), 'v1');
  assert.equal(old.commit, first);
  assert.equal(old.files, listing({ Dockerfile: base['gen/Dockerfile'], 'main.py': base['gen/main.py'] }));
  const now = await snapshotCommit(join(dir, 'gen'), 'HEAD');
  assert.equal(now.files, listing({ Dockerfile: base['gen/Dockerfile'], 'main.py': 'print(3)\n', 'more/extra.py': 'e\n' }));
  assert.is(now.read('more/extra.py'), 'e\n');
});

commits('a folder outside git or an unknown revision is a GitError that says which', async () => {
  const plain = mkdtempSync(join(tmpdir(), 'hyperp-nogit-'));
  dirs.push(plain);
  const e1 = await snapshotCommit(plain).catch((e: unknown) => e);
  assert.instance(e1, GitError);
  assert.match((e1 as Error).message, `${plain} is not inside a git repository`);
  const dir = repo(base);
  commit(dir);
  const e2 = await snapshotCommit(dir, 'no-such-branch').catch((e: unknown) => e);
  assert.instance(e2, GitError);
  assert.match((e2 as Error).message, /^no-such-branch is not a commit of the repository at /);
});

commits.run();

const tree = suite('snapshotWorkingTree');

tree('a clean tree is the HEAD listing, not dirty', async () => {
  const dir = repo(base);
  const id = commit(dir);
  const snap = await snapshotWorkingTree(dir);
  assert.equal({ commit: snap.commit, dirty: snap.dirty, files: snap.files }, { commit: id, dirty: false, files: listing(base) });
});

tree('includes edits, staged changes and untracked files; leaves out ignored and deleted files', async () => {
  const dir = repo(base);
  const id = commit(dir);
  write(dir, {
    'gen/main.py': 'print("edited")\n',
    'hyperp-workflows/calc.yaml': 'workflowName: staged\n',
    'new/untracked.py': 'u\n',
    'build/out.bin': 'ignored\n',
    'debug.log': 'ignored\n',
  });
  sh(dir, 'add', 'hyperp-workflows/calc.yaml');
  unlinkSync(join(dir, 'dir with space/ünï.txt'));
  const snap = await snapshotWorkingTree(dir);
  const expected = {
    '.gitignore': base['.gitignore'],
    'hyperp-workflows/calc.yaml': 'workflowName: staged\n',
    'gen/Dockerfile': base['gen/Dockerfile'],
    'gen/main.py': 'print("edited")\n',
    'new/untracked.py': 'u\n',
  };
  assert.equal({ commit: snap.commit, dirty: snap.dirty, files: snap.files }, { commit: id, dirty: true, files: listing(expected) });
  assert.is(snap.read('gen/main.py'), 'print("edited")\n');
  assert.is(snap.read('build/out.bin'), undefined);
  assert.is(snap.read('dir with space/ünï.txt'), undefined);
});

tree('a staged change alone makes the tree dirty', async () => {
  const dir = repo(base);
  commit(dir);
  write(dir, { 'gen/main.py': 'print(9)\n' });
  sh(dir, 'add', 'gen/main.py');
  const snap = await snapshotWorkingTree(dir);
  assert.is(snap.dirty, true);
  assert.equal(snap.files.find((f) => f.path === 'gen/main.py'), { path: 'gen/main.py', blob: blobId('print(9)\n') });
});

tree('a subfolder lists only its files, relative to it, and is clean when only other folders changed', async () => {
  const dir = repo(base);
  commit(dir);
  write(dir, { 'gen/main.py': 'print("sub")\n', 'gen/new.txt': 'n\n' });
  const sub = await snapshotWorkingTree(join(dir, 'gen'));
  assert.equal(sub.files, listing({ Dockerfile: base['gen/Dockerfile'], 'main.py': 'print("sub")\n', 'new.txt': 'n\n' }));
  assert.is(sub.dirty, true);
  assert.is(sub.read('new.txt'), 'n\n');
  const other = await snapshotWorkingTree(join(dir, 'hyperp-workflows'));
  assert.equal({ dirty: other.dirty, files: other.files }, { dirty: false, files: listing({ 'calc.yaml': base['hyperp-workflows/calc.yaml'] }) });
});

tree('before the first commit: no commit id, dirty, files listed', async () => {
  const dir = repo({ 'a.txt': 'a\n' });
  const snap = await snapshotWorkingTree(dir);
  assert.equal({ commit: snap.commit, dirty: snap.dirty, files: snap.files }, { commit: '', dirty: true, files: listing({ 'a.txt': 'a\n' }) });
});

tree('a symbolic link hashes its target, as git stores it', async () => {
  const dir = repo(base);
  commit(dir);
  symlinkSync('gen/main.py', join(dir, 'link.py'));
  const snap = await snapshotWorkingTree(dir);
  assert.equal(snap.files.find((f) => f.path === 'link.py'), { path: 'link.py', blob: blobId('gen/main.py'), mode: 'symlink' });
  commit(dir);
  assert.equal((await snapshotCommit(dir)).files, snap.files);
});

tree('modes as git records them: update-index --chmod=+x in a commit, chmod +x and a link in the working tree', async () => {
  const dir = repo({ ...base, 'gen/run.sh': '#!/bin/sh\n', 'gen/current': 'run.sh' });
  commit(dir);
  const modeOf = (files: readonly { path: string; mode?: string }[], path: string) => files.find((f) => f.path === path)?.mode;
  assert.is(modeOf((await snapshotCommit(dir)).files, 'gen/run.sh'), undefined);
  sh(dir, 'update-index', '--chmod=+x', 'gen/run.sh');
  sh(dir, 'commit', '-q', '-m', 'executable'); // not `add -A`: that would stage the file's mode on disk again
  const executable = await snapshotCommit(dir);
  assert.equal(executable.files.find((f) => f.path === 'gen/run.sh'), { path: 'gen/run.sh', blob: blobId('#!/bin/sh\n'), mode: 'executable' });
  // The file on disk was never chmod'ed: the working tree has it regular, and differs from HEAD by that alone.
  const disk = await snapshotWorkingTree(dir);
  assert.equal([disk.dirty, modeOf(disk.files, 'gen/run.sh')], [true, undefined]);
  chmodSync(join(dir, 'gen/run.sh'), 0o744);
  // A file turned into a link whose target is its old text: same blob, another mode.
  unlinkSync(join(dir, 'gen/current'));
  symlinkSync('run.sh', join(dir, 'gen/current'));
  const now = await snapshotWorkingTree(dir);
  assert.equal([now.dirty, modeOf(now.files, 'gen/run.sh'), now.files.find((f) => f.path === 'gen/current')], [
    true, 'executable', { path: 'gen/current', blob: blobId('run.sh'), mode: 'symlink' },
  ]);
  commit(dir);
  const committed = await snapshotCommit(dir);
  assert.equal(committed.files, now.files);
  assert.is((await snapshotWorkingTree(dir)).dirty, false);
});

tree.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
tree.run();
