// A hostile repository's symbolic links: read as git reads them (the link's text), never the
// file they point to, whether hyperp reads workflows and task definitions or builds an image
// from a dirty working tree. Files of a committed tree keep git's executable bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { loadWorkflows } from '@hyperp/core';
import { snapshotCommit, snapshotWorkingTree } from '../../src/repo/snapshot.js';
import { snapshotFolder } from '../../src/repo/folder.js';
import { snapshotBuildSource } from '../../src/build/source.js';
import { processEngine } from '../../src/engine/process-engine.js';
import { localLayout } from '../../src/layout.js';
import { loadImageStore } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { prepareRuns } from '../../src/runs/start.js';
import { tempDir } from '../temp.js';

const SECRET = 'TOP-SECRET-7f3a9c';

/** A file outside every repository, holding a secret (a valid task definition, so that loading it would run it). */
const secretFile = (): string => {
  const f = join(tempDir('hyperp-home-'), 'credentials.json');
  writeFileSync(f, JSON.stringify({
    cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'main', image: 'x', environment: [{ name: 'KEY', value: SECRET }] }],
  }));
  return f;
};

const git = (dir: string, ...a: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });

/** A git repository with `files` and `links` (path → target) committed on main. */
const repoWith = (files: Record<string, string>, links: Record<string, string>, executables: string[] = []): string => {
  const dir = tempDir('hyperp-hostile-');
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  for (const p of executables) chmodSync(join(dir, p), 0o755);
  for (const [p, t] of Object.entries(links)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    symlinkSync(t, join(dir, p));
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'x');
  return dir;
};

const workflow = 'workflowName: w\nbranches: [main]\njobs:\n  - jobName: j\n    taskDefinitionPath: j/taskdef.json\n';

test('a task definition linked to a file outside the repository is read as the link, so its secret is never shown or run', async () => {
  const secret = secretFile();
  const dir = repoWith({ 'hyperp-workflows/w.yaml': workflow }, { 'j/taskdef.json': secret });
  for (const snapshot of [await snapshotWorkingTree(dir), snapshotFolder(dir), await snapshotCommit(dir)]) {
    assert.is(snapshot.read('j/taskdef.json'), secret, 'read as git stores a link: its target text');
    const loaded = loadWorkflows(snapshot);
    assert.ok(loaded.issues.some((i) => i.severity === 'error' && i.file === 'j/taskdef.json'), JSON.stringify(loaded.issues));
    assert.not.ok(JSON.stringify(loaded).includes(SECRET));
  }
  const layout = localLayout(dir);
  const prepared = await prepareRuns({
    repoDir: dir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now(),
  });
  assert.is(prepared._tag, 'PrepareError', 'the job is not run');
  assert.not.ok(JSON.stringify(prepared).includes(SECRET));
});

test('a workflow file linked outside the repository is not loaded from where it points', async () => {
  const outside = join(tempDir('hyperp-home-'), 'w.yaml');
  writeFileSync(outside, `workflowName: ${SECRET}\njobs:\n  - jobName: j\n    taskDefinitionPath: j/taskdef.json\n`);
  const dir = repoWith({ 'j/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "image": "x"}]}' }, { 'hyperp-workflows/w.yaml': outside });
  const loaded = loadWorkflows(await snapshotWorkingTree(dir));
  assert.not.ok(JSON.stringify(loaded).includes(SECRET));
  assert.equal(loaded.workflows, []);
});

const buildFrom = async (dir: string, workingTree: boolean, dockerfilePath = 'img/Dockerfile') => {
  const snapshot = workingTree ? await snapshotWorkingTree(dir) : await snapshotCommit(dir);
  const src = snapshotBuildSource(dir, snapshot, workingTree).context(dockerfilePath, 'img', 'k');
  if ('error' in src) throw new Error(src.error);
  const images = tempDir('hyperp-images-');
  const engine = processEngine({ imagesDir: images, scratchDir: tempDir('hyperp-scratch-') });
  const r = await engine.build({ key: 'k', dockerfilePath, context: 'img', dockerfile: src.dockerfile, files: src.files, logFile: join(images, 'build.log') });
  return { r, images, rootfs: join(images, 'k', 'rootfs') };
};

/** Every regular file's content under `dir`, never following a link. */
const contents = (dir: string): string =>
  readdirSync(dir).map((name) => {
    const p = join(dir, name);
    const st = lstatSync(p);
    return st.isDirectory() ? contents(p) : st.isFile() ? readFileSync(p, 'utf8') : '';
  }).join('\n');

test('a dirty working tree builds a committed link as a link, never with the content it points to', async () => {
  const secret = secretFile();
  const dir = repoWith(
    { 'img/Dockerfile': 'FROM python:3\nCOPY . /app/\n', 'img/main.py': 'print(1)\n' },
    { 'img/link': secret, 'img/dir-link': dirname(secret) },
  );
  writeFileSync(join(dir, 'img/main.py'), 'print(2)\n'); // uncommitted: the build reads the working tree
  const { r, images, rootfs } = await buildFrom(dir, true);
  assert.is(r._tag, 'Built', JSON.stringify(r));
  assert.is(readlinkSync(join(rootfs, 'app/link')), secret);
  assert.is(readlinkSync(join(rootfs, 'app/dir-link')), dirname(secret));
  assert.is(readFileSync(join(rootfs, 'app/main.py'), 'utf8'), 'print(2)\n');
  assert.not.ok(contents(images).includes(SECRET));
});

test('a committed tree builds links as links and keeps the executable bit git records (100755)', async () => {
  const secret = secretFile();
  const dir = repoWith(
    { 'img/Dockerfile': 'FROM python:3\nCOPY . /app/\n', 'img/run.sh': '#!/bin/sh\necho hi\n', 'img/data.txt': 'd' },
    { 'img/link': secret },
    ['img/run.sh'],
  );
  const { r, images, rootfs } = await buildFrom(dir, false);
  assert.is(r._tag, 'Built', JSON.stringify(r));
  assert.is(statSync(join(rootfs, 'app/run.sh')).mode & 0o777, 0o755);
  assert.is(statSync(join(rootfs, 'app/data.txt')).mode & 0o777, 0o644);
  assert.is(readlinkSync(join(rootfs, 'app/link')), secret);
  assert.not.ok(contents(images).includes(SECRET));
});

test('a working tree builds each file with git\'s mode, the one its image key hashed: 0o744 as 0o755, 0o600 as 0o644', async () => {
  const dir = repoWith({ 'img/Dockerfile': 'FROM python:3\nCOPY . /app/\n', 'img/run.sh': '#!/bin/sh\necho hi\n', 'img/data.txt': 'd' }, {});
  chmodSync(join(dir, 'img/run.sh'), 0o744);
  chmodSync(join(dir, 'img/data.txt'), 0o600);
  const snapshot = await snapshotWorkingTree(dir);
  assert.equal(snapshot.files.filter((f) => f.path.startsWith('img/')).map((f) => [f.path, f.mode]), [
    ['img/Dockerfile', undefined], ['img/data.txt', undefined], ['img/run.sh', 'executable'],
  ]);
  const { r, rootfs } = await buildFrom(dir, true);
  assert.is(r._tag, 'Built', JSON.stringify(r));
  assert.is(statSync(join(rootfs, 'app/run.sh')).mode & 0o777, 0o755);
  assert.is(statSync(join(rootfs, 'app/data.txt')).mode & 0o777, 0o644);
});

test('a failed build names the file it could not write and leaves no temporary image folder behind', async () => {
  // `COPY b /x` makes /x a file; `COPY a /x/y` then needs /x to be a folder: Docker fails too.
  const dir = repoWith({ 'img/Dockerfile': 'FROM python:3\nCOPY b /x\nCOPY a /x/y\n', 'img/a': 'A', 'img/b': 'B' }, {});
  const { r, images } = await buildFrom(dir, false);
  assert.is(r._tag, 'BuildFailed');
  assert.equal(r, { _tag: 'BuildFailed', reason: 'img/Dockerfile: line 3: cannot lay out a at /x/y: x is a file, not a folder' });
  assert.equal(readdirSync(images).filter((n) => n !== 'build.log'), []);
});

test('a build that reads a link to a folder fails or succeeds without EISDIR and without leftovers', async () => {
  const dir = repoWith({ 'img/Dockerfile': 'FROM python:3\nCOPY . /app/\n' }, { 'img/home': tempDir('hyperp-home-') });
  writeFileSync(join(dir, 'img/new.txt'), 'n'); // a dirty tree
  const { r, images } = await buildFrom(dir, true);
  assert.is(r._tag, 'Built', JSON.stringify(r));
  assert.equal(readdirSync(images).filter((n) => n.includes('.tmp-')), []);
  assert.is(existsSync(join(images, 'k', 'image.json')), true);
});

test.run();
