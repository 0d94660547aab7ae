// The local image store's index: recorded images keep `.hyperp/` out of git, and a corrupt
// index is reported, then treated as empty.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredImage } from '@hyperp/core';
import { localLayout } from '../../src/layout.js';
import { imageIndexFile, loadImageStore, readImageIndex, recordImages } from '../../src/runs/image-index.js';
import { committedRepo } from '../git-repo.js';

const gitRepo = (): string => committedRepo('hyperp-index-', {});
const gitStatus = (dir: string): string => execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' });

const image = (key: string, builtAt: number): StoredImage => ({ key, builtAt, workflow: 'w', job: 'j', container: 'main', dockerfilePath: 'j/Dockerfile' });

const it = suite('image index');

it('recording an image in a repository without .hyperp/ keeps it out of git', async () => {
  const dir = gitRepo();
  const layout = localLayout(dir);
  await recordImages(layout, [image('k1', 1)]);
  assert.equal([readImageIndex(layout.imagesDir), gitStatus(dir), readFileSync(join(layout.root, '.gitignore'), 'utf8')], [
    [image('k1', 1)], '', '# hyperp local state: never committed\n*\n',
  ]);
});

it('a corrupt index is reported once per read and read as empty; the next record sets it aside and starts afresh', async () => {
  const layout = localLayout(gitRepo());
  mkdirSync(layout.imagesDir, { recursive: true });
  const file = imageIndexFile(layout.imagesDir);
  writeFileSync(file, '{"images": [{"key": "k0", "built');
  const warnings: string[] = [];
  const store = loadImageStore(layout.imagesDir, (w) => warnings.push(w));
  const problem = `warning: the image index ${file} is not valid JSON; it is read as empty, so its images are built again`;
  assert.equal([[...store.keys()], warnings], [[], [problem]]);

  await recordImages(layout, [image('k1', 1)], (w) => warnings.push(w));
  assert.equal(warnings, [problem, `warning: the image index ${file} is not valid JSON; it was moved to ${file}.corrupt and a new index started`]);
  assert.equal([readFileSync(`${file}.corrupt`, 'utf8'), readImageIndex(layout.imagesDir, (w) => warnings.push(w)), warnings.length], [
    '{"images": [{"key": "k0", "built', [image('k1', 1)], 2,
  ]);
});

it('an index of the wrong shape is reported like a corrupt one', () => {
  const layout = localLayout(gitRepo());
  mkdirSync(layout.imagesDir, { recursive: true });
  const file = imageIndexFile(layout.imagesDir);
  const warnings: string[] = [];
  writeFileSync(file, '{"images": [{"key": 7}]}');
  assert.equal(readImageIndex(layout.imagesDir, (w) => warnings.push(w)), []);
  writeFileSync(file, '[]');
  assert.equal(readImageIndex(layout.imagesDir, (w) => warnings.push(w)), []);
  assert.equal(warnings, [
    `warning: the image index ${file} is not valid: images[0] is not an image record; it is read as empty, so its images are built again`,
    `warning: the image index ${file} is not valid: it has no "images" list; it is read as empty, so its images are built again`,
  ]);
});

it('a missing index is an empty store, without a warning', () => {
  const layout = localLayout(gitRepo());
  const warnings: string[] = [];
  assert.equal([readImageIndex(layout.imagesDir, (w) => warnings.push(w)), warnings, existsSync(layout.root)], [[], [], false]);
});

it.run();
