// A cloned repository that commits `.hyperp`, or links it (or a folder in it) elsewhere, must not
// decide where hyperp writes or what its clean-up deletes; clean-up removes only what hyperp made.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localLayout, UnsafeLayoutError } from '../../src/layout.js';
import { openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import { makeScratch, removeOrphanScratch } from '../../src/fs/scratch.js';
import { tempDir } from '../temp.js';

// Pids above any Linux pid_max (2^22): such a process is always gone.
const DEAD = 4999999;

const git = (dir: string, ...a: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });

const hostileRepo = (plant: (dir: string) => void): string => {
  const dir = tempDir('hyperp-hostile-');
  const files: Record<string, string> = {
    'hyperp-workflows/w.yaml': 'workflowName: w\nbranches: [main]\njobs:\n  - jobName: j\n    taskDefinitionPath: j/taskdef.json\n',
    'j/Dockerfile': 'FROM python:3\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n',
    'j/main.py': 'print(1)\n',
    'j/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "dockerfilePath": "j/Dockerfile"}]}',
  };
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  plant(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A', '-f');
  git(dir, 'commit', '-q', '-m', 'x');
  return dir;
};

/** A person's home folder with folders whose names start with digits. */
const home = (): string => {
  const h = tempDir('hyperp-home-');
  for (const d of ['2024-taxes', `${DEAD}-photos`]) {
    mkdirSync(join(h, d));
    writeFileSync(join(h, d, 'keep.txt'), 'mine');
  }
  return h;
};

const refused = async (f: () => unknown, message: RegExp): Promise<void> => {
  try {
    await f();
  } catch (e) {
    assert.instance(e, UnsafeLayoutError);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable('should have been refused');
};

const plan = async (dir: string) => {
  const layout = localLayout(dir);
  const prepared = await prepareRuns({ repoDir: dir, workflows: [], images: loadImageStore(join(tempDir('hyperp-none-'), 'images')), builderVersion: localBuilderVersion('process'), now: Date.now() });
  if (prepared._tag !== 'Prepared') throw new Error(prepared.message);
  return { layout, request: prepared.requests[0]! };
};

test('a committed .hyperp/tmp link to a home folder: the engine refuses it, and nothing there is deleted', async () => {
  const h = home();
  const dir = hostileRepo((d) => {
    mkdirSync(join(d, '.hyperp'));
    symlinkSync(h, join(d, '.hyperp', 'tmp'));
  });
  await refused(() => openLocalEngine('process', localLayout(dir)), /\.hyperp\/tmp is a symbolic link/);
  assert.equal(readdirSync(h).sort(), [`${DEAD}-photos`, '2024-taxes'].sort());
});

test('a committed .hyperp link: no run state is written where it points', async () => {
  const outside = tempDir('hyperp-outside-');
  const dir = hostileRepo((d) => symlinkSync(outside, join(d, '.hyperp')));
  const { layout, request } = await plan(dir);
  await refused(() => openRun(layout, request), /^\.hyperp is a symbolic link \(to .*\), in .*; hyperp keeps its state in a real folder/);
  assert.equal(readdirSync(outside), []);
});

test('a .hyperp folder tracked by git (a committed image) is refused', async () => {
  const dir = hostileRepo((d) => {
    mkdirSync(join(d, '.hyperp', 'images', 'k'), { recursive: true });
    writeFileSync(join(d, '.hyperp', 'images', 'k', 'image.json'), '{}');
  });
  const { layout, request } = await plan(dir);
  await refused(() => openRun(layout, request), /^\.hyperp is tracked by git \(1 file, e\.g\. \.hyperp\/images\/k\/image\.json\).*git rm -r --cached \.hyperp/);
  await refused(() => openLocalEngine('process', layout), /tracked by git/);
});

test('scratch clean-up deletes only the marked task folders of gone processes, and follows no link', () => {
  const tmp = tempDir('hyperp-tmp-');
  const outside = home();
  mkdirSync(join(tmp, `${DEAD}-taxes`)); // the old naming: not provably hyperp's
  mkdirSync(join(tmp, `task-${DEAD}-1-ab`)); // no marker
  const mine = makeScratch(tmp);
  // A crashed process's folder: its marker, and a link a task left inside.
  const crashed = join(tmp, `task-${DEAD}-2-cd`);
  mkdirSync(crashed);
  writeFileSync(join(crashed, '.hyperp-scratch'), `${DEAD}\n`);
  symlinkSync(outside, join(crashed, 'link'));
  // A link named like a scratch folder, to a folder holding a marker.
  writeFileSync(join(outside, '.hyperp-scratch'), 'x');
  symlinkSync(outside, join(tmp, `task-${DEAD}-3-ef`));
  assert.equal(removeOrphanScratch(tmp), [`task-${DEAD}-2-cd`]);
  assert.equal(readdirSync(tmp).sort(), [`${DEAD}-taxes`, `task-${DEAD}-1-ab`, `task-${DEAD}-3-ef`, mine.slice(tmp.length + 1)].sort());
  assert.equal(readdirSync(outside).sort(), ['.hyperp-scratch', `${DEAD}-photos`, '2024-taxes'].sort());
  assert.ok(existsSync(join(outside, '2024-taxes', 'keep.txt')));
});

test.run();
