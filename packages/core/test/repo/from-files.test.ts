// snapshotFromFiles computes the ids git computes, checked against a real repository's
// `git ls-tree` (regular, executable, binary, empty, non-ASCII and symbolic-link entries).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { gitBlobId, snapshotFromFiles, type FileInput, type FileMode } from '../../src/repo/from-files.js';
import { imageKey } from '../../src/images/key.js';
import { makeRepo } from '../support/git-repo.js';

const repo = makeRepo();
repo.commit({ 'svc/Dockerfile': 'FROM scratch\nCOPY . /app\n', 'svc/run.sh': '#!/bin/sh\necho hi\n', 'empty': '', 'docs/ünï.md': 'ça va ✓\r\n' });
writeFileSync(join(repo.dir, 'svc/blob.bin'), Uint8Array.from([0, 255, 1, 128, 10, 0]));
chmodSync(join(repo.dir, 'svc/run.sh'), 0o755);
symlinkSync('run.sh', join(repo.dir, 'svc/link'));
repo.git('add', '-A');
repo.git('commit', '-q', '-m', 'modes');

const modeOf: Record<string, FileMode> = { '100644': 'file', '100755': 'executable', '120000': 'symlink' };
const tree = repo.git('-c', 'core.quotePath=false', 'ls-tree', '-r', '-z', 'HEAD').split('\0').filter((r) => r !== '').map((r) => {
  const tab = r.indexOf('\t');
  const [mode, , blob] = r.slice(0, tab).split(' ');
  return { path: r.slice(tab + 1), mode: modeOf[mode!]!, blob: blob! };
});
const inputs: FileInput[] = tree.map((t) => ({
  path: t.path,
  mode: t.mode,
  content: t.mode === 'symlink' ? readlinkSync(join(repo.dir, t.path)) : new Uint8Array(readFileSync(join(repo.dir, t.path))),
}));

test('the repository has the modes this test is about', () => {
  assert.equal(tree.map((t) => `${t.mode} ${t.path}`), [
    'file docs/ünï.md', 'file empty', 'file svc/Dockerfile', 'file svc/blob.bin', 'symlink svc/link', 'executable svc/run.sh',
  ]);
});

test('gitBlobId gives the id git hash-object gives, for every entry of a real tree', () => {
  assert.equal(inputs.map((f) => gitBlobId(f.content)), tree.map((t) => t.blob));
  assert.is(gitBlobId('hello\n'), 'ce013625030ba8dba906f756967f9e9ca394464a'); // `echo hello | git hash-object --stdin`
});

test('a snapshot from the files lists the same paths and ids as git ls-tree, and keys an image the same', () => {
  const { snapshot, issues } = snapshotFromFiles({ commit: repo.git('rev-parse', 'HEAD'), files: [...inputs].reverse() });
  assert.equal(issues, []);
  assert.equal(snapshot.files, tree.map((t) => ({ path: t.path, blob: t.blob, ...(t.mode === 'file' ? {} : { mode: t.mode }) })).sort((a, b) => (a.path < b.path ? -1 : 1)));
  const fromGit = imageKey(repo.snapshot(), 'svc/Dockerfile', 'builder-1');
  const fromFiles = imageKey(snapshot, 'svc/Dockerfile', 'builder-1');
  assert.ok(E.isRight(fromGit) && E.isRight(fromFiles));
  assert.is(fromFiles.right.key, fromGit.right.key);
  assert.is(snapshot.read('svc/link'), 'run.sh');
  assert.is(snapshot.read('docs/ünï.md'), 'ça va ✓\r\n');
  assert.is(snapshot.size?.('svc/blob.bin'), 6);
  assert.is(snapshot.read('nope'), undefined);
});

test('text given as a string is hashed as its UTF-8 bytes', () => {
  const { snapshot } = snapshotFromFiles({ commit: 'c', files: [{ path: 'docs/ünï.md', content: 'ça va ✓\r\n' }] });
  assert.is(snapshot.files[0]!.blob, tree.find((t) => t.path === 'docs/ünï.md')!.blob);
});

test('a given blob id is checked: a wrong one is reported and the content decides the id', () => {
  const right = tree.find((t) => t.path === 'svc/run.sh')!.blob;
  const wrong = gitBlobId('something else');
  const { snapshot, issues } = snapshotFromFiles({
    commit: 'c',
    files: [
      { path: 'svc/run.sh', content: '#!/bin/sh\necho hi\n', mode: 'executable', blob: wrong },
      { path: 'svc/Dockerfile', content: 'FROM scratch\nCOPY . /app\n', blob: tree.find((t) => t.path === 'svc/Dockerfile')!.blob.toUpperCase() },
    ],
  });
  assert.equal(snapshot.files.map((f) => f.blob), [tree.find((t) => t.path === 'svc/Dockerfile')!.blob, right]);
  assert.equal(issues.map((i) => [i._tag, i.path]), [['BlobMismatch', 'svc/run.sh']]);
  assert.match(issues[0]!.message, `the given blob id ${wrong} is not the content's (${right})`);
});

test('paths that name no file of the repository, repeated paths and unknown modes are left out and reported', () => {
  const { snapshot, issues } = snapshotFromFiles({
    commit: 'c',
    dirty: true,
    files: [
      { path: './a//b', content: 'one' },
      { path: 'a/b', content: 'two' },
      { path: '../etc/passwd', content: 'x' },
      { path: '/abs', content: 'x' },
      { path: 'a\\b', content: 'x' },
      { path: 'c', content: 'x', mode: 'socket' as FileMode },
    ],
  });
  assert.equal(snapshot.files.map((f) => f.path), ['a/b']);
  assert.is(snapshot.read('a/b'), 'one');
  assert.is(snapshot.dirty, true);
  assert.equal(issues.map((i) => [i._tag, i.path]), [
    ['DuplicatePath', 'a/b'], ['InvalidPath', '../etc/passwd'], ['InvalidPath', '/abs'], ['InvalidPath', 'a\\b'], ['InvalidMode', 'c'],
  ]);
});

test.after(() => repo.remove());
test.run();
