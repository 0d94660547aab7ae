import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readlinkSync, statSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseRecipe, type ImageRecipe } from '../../src/build/recipe.js';
import { layoutImage, type BuildContext } from '../../src/build/layout.js';
import { tempDir } from '../temp.js';

const ctx = (files: Record<string, string>, exec: string[] = []): BuildContext => ({
  files: Object.keys(files).sort(),
  read: (p) => Buffer.from(files[p]!),
  mode: (p) => (exec.includes(p) ? 0o755 : 0o644),
});
const recipeOf = (text: string): ImageRecipe => {
  const r = parseRecipe(text);
  if (r._tag !== 'Recipe') throw new Error(r.message);
  return r.recipe;
};

const layout = suite('layoutImage');

layout('files, directories and globs land where Docker puts them', () => {
  const images = tempDir('hyperp-img-');
  const r = layoutImage(
    recipeOf(`FROM python:3
WORKDIR /app
COPY main.py .
COPY lib ./lib
COPY *.txt conf/
COPY run.sh /usr/local/bin/run
COPY . /all/
`),
    ctx({ 'main.py': 'print(1)', 'lib/a.py': 'A', 'lib/sub/b.py': 'B', 'x.txt': 'X', 'y.txt': 'Y', 'sub/z.txt': 'Z', 'run.sh': '#!/bin/sh' }, ['run.sh']),
    images,
    'k1',
  );
  assert.is(r._tag, 'Laid');
  const files = r._tag === 'Laid' ? r.config.files : [];
  assert.equal(files, [
    '/all/lib/a.py', '/all/lib/sub/b.py', '/all/main.py', '/all/run.sh', '/all/sub/z.txt', '/all/x.txt', '/all/y.txt',
    '/app/conf/x.txt', '/app/conf/y.txt', '/app/lib/a.py', '/app/lib/sub/b.py', '/app/main.py', '/usr/local/bin/run',
  ]);
  assert.is(readFileSync(join(images, 'k1/rootfs/app/lib/sub/b.py'), 'utf8'), 'B');
  assert.is(statSync(join(images, 'k1/rootfs/usr/local/bin/run')).mode & 0o777, 0o755);
  assert.equal(JSON.parse(readFileSync(join(images, 'k1/image.json'), 'utf8')).workdir, '/app');
  // no temporary directory is left next to the image
  assert.equal(readdirSync(images), ['k1']);
});

layout('a COPY source missing from the (filtered) context fails with its line', () => {
  const images = tempDir('hyperp-img-');
  const r = layoutImage(recipeOf('FROM x\nCOPY secret.env /app/\n'), ctx({ 'main.py': '' }), images, 'k2');
  assert.equal(r, { _tag: 'LayoutError', message: 'line 2: COPY source "secret.env" matches no file of the build context (after .dockerignore)' });
  assert.is(existsSync(join(images, 'k2')), false);
});

layout('an image already laid out under its key is kept as is', () => {
  const images = tempDir('hyperp-img-');
  layoutImage(recipeOf('FROM x\nCOPY a /a\n'), ctx({ a: 'first' }), images, 'k3');
  layoutImage(recipeOf('FROM x\nCOPY a /a\n'), ctx({ a: 'second' }), images, 'k3');
  assert.is(readFileSync(join(images, 'k3/rootfs/a'), 'utf8'), 'first');
});

layout('links are laid out as links; one at the top of the image is left out with a warning; nothing is written through one', () => {
  const images = tempDir('hyperp-img-');
  const links: Record<string, string> = { 'top': '/etc', 'app/cfg': '/etc/passwd', 'dir': '/root' };
  const context: BuildContext = { ...ctx({ top: '/etc', 'app/cfg': '/etc/passwd', dir: '/root', 'x.txt': 'x' }), link: (p) => links[p] };
  const r = layoutImage(recipeOf('FROM x\nCOPY top /\nCOPY app/cfg /app/cfg\n'), context, images, 'k4');
  assert.is(r._tag, 'Laid');
  assert.equal(r._tag === 'Laid' ? [r.config.files, r.config.warnings] : [], [
    ['/app/cfg'], ['line 2: top is a symbolic link to /etc; a link at the top of the image (/top) is not laid out'],
  ]);
  assert.is(readlinkSync(join(images, 'k4/rootfs/app/cfg')), '/etc/passwd');
  const through = layoutImage(recipeOf('FROM x\nCOPY dir /app/d\nCOPY x.txt /app/d/\n'), context, images, 'k5');
  assert.equal(through, { _tag: 'LayoutError', message: 'line 3: cannot lay out x.txt at /app/d/x.txt: app/d is a symbolic link, not a folder; hyperp does not follow links' });
  assert.equal(readdirSync(images), ['k4']);
});

layout.run();
