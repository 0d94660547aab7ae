import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  copyTreeContained, lstatContained, mkdirContained, PathEscapeError, pathSegments, readAsGit, readContained, resolveContained, writeFileContained,
} from '../../src/fs/contained.js';
import { tempDir } from '../temp.js';

/** A root with a secret beside it, and links inside pointing at the secret and its folder. */
const planted = () => {
  const outside = tempDir('hyperp-outside-');
  writeFileSync(join(outside, 'secret'), 'TOP-SECRET');
  const root = tempDir('hyperp-root-');
  mkdirSync(join(root, 'real'));
  writeFileSync(join(root, 'real', 'f.txt'), 'inside');
  symlinkSync(join(outside, 'secret'), join(root, 'file-link'));
  symlinkSync(outside, join(root, 'dir-link'));
  symlinkSync('real', join(root, 'inner-link'));
  return { root, outside };
};

const segments = suite('pathSegments');
segments('relative paths are split; absolute paths, ".." and NUL bytes are refused', () => {
  assert.equal(pathSegments('a//./b/'), ['a', 'b']);
  assert.equal(pathSegments(''), []);
  for (const bad of ['/etc/passwd', 'a/../../b', '..', 'a\0b']) assert.throws(() => pathSegments(bad), (e: unknown) => e instanceof PathEscapeError);
});
segments.run();

const resolve = suite('resolveContained');
resolve('a path through a linked folder is refused, even one that points back inside', () => {
  const { root } = planted();
  assert.is(resolveContained(root, 'real/f.txt'), join(root, 'real', 'f.txt'));
  assert.is(resolveContained(root, 'file-link'), join(root, 'file-link')); // the last component is not entered
  assert.throws(() => resolveContained(root, 'dir-link/secret'), /^dir-link is a symbolic link, not a folder; hyperp does not follow links$/);
  assert.throws(() => resolveContained(root, 'inner-link/f.txt'), /inner-link is a symbolic link/);
  assert.throws(() => resolveContained(root, 'real/f.txt/x'), /^real\/f.txt is a file, not a folder$/);
  assert.is(lstatContained(root, 'file-link')!.isSymbolicLink(), true);
  assert.is(lstatContained(root, 'nothing/here'), undefined);
});
resolve.run();

const read = suite('readContained');
read('links read as their target text, never as the file they point to', () => {
  const { root, outside } = planted();
  assert.equal(readContained(root, 'file-link'), { _tag: 'Link', target: join(outside, 'secret') });
  assert.is(readAsGit(root, 'file-link')!.toString(), join(outside, 'secret'));
  assert.is(readAsGit(root, 'real/f.txt')!.toString(), 'inside');
  assert.is(readAsGit(root, 'missing'), undefined);
  assert.is(readAsGit(root, 'real'), undefined);
  mkfifoOr(join(root, 'fifo'));
  if (existsSync(join(root, 'fifo'))) assert.equal(readContained(root, 'fifo'), { _tag: 'Other', what: 'not a file or folder' });
});
read.run();

function mkfifoOr(path: string): void {
  try {
    execFileSync('mkfifo', [path]);
  } catch {
    // no mkfifo here: the case is skipped
  }
}

const mkdir = suite('mkdirContained and writeFileContained');
mkdir('folders are made one by one; a link on the way is an error and nothing is written through it', () => {
  const { root, outside } = planted();
  assert.is(mkdirContained(root, 'a/b/c'), join(root, 'a', 'b', 'c'));
  assert.is(statSync(join(root, 'a/b/c')).isDirectory(), true);
  assert.throws(() => mkdirContained(root, 'dir-link/sub'), /dir-link is a symbolic link/);
  assert.throws(() => writeFileContained(root, 'dir-link/new', 'x'), /dir-link is a symbolic link/);
  assert.throws(() => writeFileContained(root, 'file-link', 'x'), /EEXIST/);
  assert.is(existsSync(join(outside, 'sub')) || existsSync(join(outside, 'new')), false);
  assert.is(readFileSync(join(outside, 'secret'), 'utf8'), 'TOP-SECRET');
  writeFileContained(root, 'a/run.sh', '#!/bin/sh\n', 0o755);
  assert.is(statSync(join(root, 'a/run.sh')).mode & 0o777, 0o755);
});
mkdir.run();

const copy = suite('copyTreeContained');
copy('files keep their mode, links stay links, links at the top may be left out, other types are', () => {
  const { root, outside } = planted();
  writeFileSync(join(root, 'real', 'x.sh'), 'x');
  chmodSync(join(root, 'real', 'x.sh'), 0o755);
  symlinkSync(join(outside, 'secret'), join(root, 'real', 'deep-link'));
  mkfifoOr(join(root, 'real', 'fifo'));
  const to = tempDir('hyperp-copy-');
  const skipped = copyTreeContained(root, to, { topLevelLinks: false });
  assert.equal(skipped.filter((s) => !s.includes('fifo')), [
    'dir-link (a symbolic link at the top of the image)', 'file-link (a symbolic link at the top of the image)', 'inner-link (a symbolic link at the top of the image)',
  ]);
  assert.is(existsSync(join(to, 'real', 'fifo')), false);
  assert.is(readFileSync(join(to, 'real', 'f.txt'), 'utf8'), 'inside');
  assert.is(statSync(join(to, 'real', 'x.sh')).mode & 0o777, 0o755);
  assert.is(lstatSync(join(to, 'real', 'deep-link')).isSymbolicLink(), true);
  assert.is(readlinkSync(join(to, 'real', 'deep-link')), join(outside, 'secret'));
  const all = tempDir('hyperp-copy-');
  assert.equal(copyTreeContained(root, all).filter((s) => !s.includes('fifo')), []);
  assert.is(lstatSync(join(all, 'dir-link')).isSymbolicLink(), true);
});
copy.run();
