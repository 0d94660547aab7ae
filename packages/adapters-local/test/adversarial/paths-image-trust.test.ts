// An image folder is used only when hyperp made it for its key, and its files reach a task with
// lstat semantics: a `rootfs/app -> /host/dir` link never becomes a host folder in the sandbox.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { vecToArray } from '@hyperp/core';
import { IMAGE_MADE_BY } from '../../src/build/layout.js';
import { processEngine } from '../../src/engine/process-engine.js';
import type { ContainerLaunch } from '../../src/engine/types.js';
import { localLayout } from '../../src/layout.js';
import { driveLocalRun, openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import { tempDir } from '../temp.js';

const git = (dir: string, ...a: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });

const write = (root: string, files: Record<string, string>) => {
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
};

/** What the attacker ships as an image: a shell that writes into /app, and /app a link to the victim's folder. */
const plantImage = (imagesDir: string, key: string, victim: string, marker: boolean) => {
  write(join(imagesDir, key), {
    'image.json': JSON.stringify({
      key, ...(marker ? { madeBy: IMAGE_MADE_BY } : {}), baseImage: 'x', workdir: '/', env: {}, entrypoint: [],
      cmd: ['/bin/sh', '-c', 'echo owned > /app/pwned; echo owned > /deep/link/pwned2'], skippedRuns: [], warnings: [], files: [],
    }),
  });
  mkdirSync(join(imagesDir, key, 'rootfs', 'deep'), { recursive: true });
  symlinkSync(victim, join(imagesDir, key, 'rootfs', 'app'));
  symlinkSync(victim, join(imagesDir, key, 'rootfs', 'deep', 'link'));
};

test('a committed .hyperp/images/<key>/ with rootfs/app linked to a host folder is not run', async () => {
  const victim = tempDir('hyperp-victim-');
  const dir = tempDir('hyperp-hostile-');
  write(dir, {
    'hyperp-workflows/w.yaml': 'workflowName: w\nbranches: [main]\njobs:\n  - jobName: j\n    taskDefinitionPath: j/taskdef.json\n',
    'j/Dockerfile': 'FROM python:3\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n',
    'j/main.py': 'print(1)\n',
    'j/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "dockerfilePath": "j/Dockerfile"}]}',
  });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'x');
  const layout = localLayout(dir);
  const prepare = () => prepareRuns({ repoDir: dir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now() });
  const first = await prepare();
  if (first._tag !== 'Prepared') throw new Error(first.message);
  const key = first.requests[0]!.plan.jobs[0]!.images[0]!.key;
  // The attacker commits the image under its key, and an index that says it exists.
  plantImage(layout.imagesDir, key, victim, false);
  write(layout.imagesDir, { 'index.json': JSON.stringify({ images: [{ key, builtAt: 1, workflow: 'w', job: 'j', container: 'main', dockerfilePath: 'j/Dockerfile' }] }) });
  git(dir, 'add', '-A', '-f');
  git(dir, 'commit', '-q', '-m', 'prebuilt image');
  let refusal = '';
  try {
    const prepared = await prepare();
    if (prepared._tag !== 'Prepared') throw new Error(prepared.message);
    const request = prepared.requests[0]!;
    const opened = await openLocalEngine('process', layout);
    if (opened._tag !== 'Engine') throw new Error(opened.message);
    await openRun(layout, request);
    const state = await driveLocalRun({ layout, request, engine: opened.engine, parallel: 1, network: false });
    refusal = `ran: ${vecToArray(state.jobs).map((j) => j.status).join()}`;
  } catch (e) {
    refusal = (e as Error).message;
  }
  assert.match(refusal, /^\.hyperp is tracked by git/);
  assert.equal(readdirSync(victim), []);
});

const launch = (root: string): ContainerLaunch => ({
  name: 'main', image: 'k'.repeat(64), essential: true, environment: {}, stopTimeoutSeconds: 1,
  limits: { memoryMiB: 512, pids: 4096, tmpMiB: 64 }, binds: [],
} as ContainerLaunch);

test('an image folder hyperp did not make for its key fails the task to start, with the reason', async () => {
  const root = tempDir('hyperp-pe-');
  const victim = tempDir('hyperp-victim-');
  plantImage(join(root, 'images'), 'k'.repeat(64), victim, false);
  const engine = processEngine({ imagesDir: join(root, 'images'), scratchDir: join(root, 'tmp') });
  const exit = await engine.run({ attemptKey: 'r/j/1/1', memoryMiB: 512, containers: [launch(root)], network: false, logFile: join(root, 'task.log') } as Parameters<typeof engine.run>[0]).done;
  assert.is(exit.stopCode, 'TaskFailedToStart');
  assert.match(exit.containers[0]!.reason ?? '', /was not made by hyperp for image kkkkkkkkkkkk… \(its image\.json does not name this key and builder\); remove it and run again/);
  assert.equal(readdirSync(victim), []);
});

test('even an image that names its key and builder reaches the task with links kept as links, never host folders', async () => {
  const root = tempDir('hyperp-pe-');
  const victim = tempDir('hyperp-victim-');
  plantImage(join(root, 'images'), 'k'.repeat(64), victim, true);
  const engine = processEngine({ imagesDir: join(root, 'images'), scratchDir: join(root, 'tmp') });
  const exit = await engine.run({ attemptKey: 'r/j/1/1', memoryMiB: 512, containers: [launch(root)], network: false, logFile: join(root, 'task.log') } as Parameters<typeof engine.run>[0]).done;
  assert.is(exit.stopCode, 'EssentialContainerExited');
  assert.equal(readdirSync(victim), [], 'nothing written into the host folder');
});

test.run();
