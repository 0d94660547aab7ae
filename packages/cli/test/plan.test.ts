// `hyperp plan` over a real git repository (the calculator fixture) and the local image store.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localBuilderVersion, localLayout, recordImages, snapshotCommit } from '@hyperp/adapters-local';
import { loadWorkflows, type StoredImage } from '@hyperp/core';
import { jobImageKeys } from '@hyperp/core/internal';
import { hyperp } from './run-cli.js';

const fixture = new URL('../../../fixtures/calculator', import.meta.url).pathname;
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
};
let dir = '';
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
const plan = (...args: string[]) => hyperp(['plan', '--repo', dir, '--engine', 'process', '--json', ...args]);

interface JsonPlan {
  commit: string;
  branch: string;
  workflows: { name: string; file: string; jobs: { name: string; action: string; images: { container: string; key: string; action: string; reason: string; changedFiles: string[] }[] }[] }[];
}

/** Each job's image key as core computes it for the process engine, and the files that made it. */
const keysAt = async (rev: string) => {
  const snapshot = await snapshotCommit(dir, rev);
  const wf = loadWorkflows(snapshot).workflows[0]!;
  return wf.jobs.map((j) => {
    const k = jobImageKeys(snapshot, j, localBuilderVersion('process'))[0]!;
    if (k.result._tag === 'Left') throw new Error('no key');
    return { job: j.name, container: k.container, key: k.result.right.key, dockerfilePath: k.result.right.dockerfilePath, files: k.result.right.files };
  });
};

const s = suite('hyperp plan');

s.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hyperp-plan-'));
  // The fixture's own .hyperp/ (left by local runs) is not part of the repository.
  cpSync(fixture, dir, { recursive: true, filter: (src) => !src.split('/').includes('.hyperp') });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'calculator');
});
s.after(() => rmSync(dir, { recursive: true, force: true }));

s('with no image store every image is built: no earlier image', async () => {
  const r = await plan();
  assert.is(r.code, 0, r.stderr);
  const keys = await keysAt('HEAD');
  const job = (name: string, container: string) => {
    const k = keys.find((x) => x.job === name)!;
    return { name, action: 'build', images: [{ container, key: k.key, action: 'build', reason: 'build: no earlier image', changedFiles: [] }] };
  };
  assert.equal(JSON.parse(r.stdout), {
    commit: git('rev-parse', 'HEAD'),
    branch: 'main',
    workflows: [{
      name: 'calculator',
      file: 'hyperp-workflows/calculator.yaml',
      jobs: keys.map((k) => job(k.job, k.container)),
    }],
  });
  assert.equal(keys.map((k) => k.job), ['Generate x', 'x * y', 'x / z', '(x * y) + (x / z)']);
});

s('images in the store are reused; a changed file builds only its job, naming the file', async () => {
  const keys = await keysAt('HEAD');
  const images: StoredImage[] = keys.map((k, i) => ({ key: k.key, builtAt: 1_000 + i, workflow: 'calculator', job: k.job, container: k.container, dockerfilePath: k.dockerfilePath, files: k.files, engine: 'process' }));
  await recordImages(localLayout(dir), images);
  const reused = JSON.parse((await plan()).stdout) as JsonPlan;
  assert.equal(reused.workflows[0]!.jobs.map((j) => [j.action, j.images[0]!.reason]), keys.map((k) => ['reuse', `reuse: key ${k.key.slice(0, 12)}… exists`]));

  writeFileSync(join(dir, 'multiply/main.py'), '# changed\n');
  git('commit', '-q', '-am', 'change multiply');
  const changed = JSON.parse((await plan()).stdout) as JsonPlan;
  const mul = keys.find((k) => k.job === 'x * y')!;
  assert.equal(changed.workflows[0]!.jobs.map((j) => [j.name, j.action, j.images[0]!.changedFiles]), [
    ['Generate x', 'reuse', []],
    ['x * y', 'build', ['multiply/main.py']],
    ['x / z', 'reuse', []],
    ['(x * y) + (x / z)', 'reuse', []],
  ]);
  assert.is(changed.workflows[0]!.jobs[1]!.images[0]!.reason, `build: multiply/main.py changed since image ${mul.key.slice(0, 12)}…`);

  // --ref plans an earlier commit: the store has all of its images.
  const earlier = JSON.parse((await plan('--ref', 'HEAD~1')).stdout) as JsonPlan;
  assert.equal(earlier.workflows[0]!.jobs.map((j) => j.action), ['reuse', 'reuse', 'reuse', 'reuse']);
});

s('git update-index --chmod=+x alone rebuilds the image, and the plan says the mode changed', async () => {
  const keys = await keysAt('HEAD');
  await recordImages(localLayout(dir), keys.map((k, i) => ({
    key: k.key, builtAt: 2_000 + i, workflow: 'calculator', job: k.job, container: k.container, dockerfilePath: k.dockerfilePath, files: k.files, engine: 'process',
  })));
  git('update-index', '--chmod=+x', 'multiply/main.py');
  git('commit', '-q', '-m', 'multiply/main.py is executable');
  const mul = keys.find((k) => k.job === 'x * y')!;
  const r = JSON.parse((await plan('--ref', 'HEAD')).stdout) as JsonPlan;
  assert.equal(r.workflows[0]!.jobs.map((j) => [j.name, j.action, j.images[0]!.changedFiles]), [
    ['Generate x', 'reuse', []],
    ['x * y', 'build', ['multiply/main.py']],
    ['x / z', 'reuse', []],
    ['(x * y) + (x / z)', 'reuse', []],
  ]);
  assert.is(r.workflows[0]!.jobs[1]!.images[0]!.reason, `build: multiply/main.py (mode regular → executable) changed since image ${mul.key.slice(0, 12)}…`);
  // Back as it was (the file on disk never had x), so the working tree matches HEAD for the tests after.
  git('update-index', '--chmod=-x', 'multiply/main.py');
  git('commit', '-q', '-m', 'back');
});

s('branches filter the workflows: feature/** runs, other branches run nothing', async () => {
  const feature = JSON.parse((await plan('--branch', 'feature/a/b')).stdout) as JsonPlan;
  assert.equal([feature.branch, feature.workflows.map((w) => w.name)], ['feature/a/b', ['calculator']]);
  const dev = await plan('--branch', 'dev');
  assert.equal(JSON.parse(dev.stdout).workflows, []);
  const text = await hyperp(['plan', '--repo', dir, '--engine', 'process', '--branch', 'dev']);
  assert.is(text.stdout, [
    `commit ${git('rev-parse', 'HEAD')} on branch dev`,
    'no workflow runs on branch dev',
    'workflow calculator does not run: its branches are "main", "feature/**"',
    '',
  ].join('\n'));
});

s('a folder without workflows says so, instead of only "no workflow runs"', async () => {
  const r = await hyperp(['plan', '--engine', 'process'], { cwd: join(dir, 'add') });
  assert.equal([r.code, r.stderr], [0, `warning: no workflow files in ${join(dir, 'add')}: hyperp reads its hyperp-workflows/*.yaml and *.yml (--repo names another folder)\n`]);
});

s('workflows with errors are listed as validate lists them, relative to the current directory, exit 1', async () => {
  const yaml = join(dir, 'hyperp-workflows', 'calculator.yaml');
  const original = readFileSync(yaml, 'utf8');
  writeFileSync(yaml, original.replace('concurrency: 2', 'concurrency: 0'));
  try {
    const r = await hyperp(['plan', '--repo', '..', '--engine', 'process'], { cwd: join(dir, 'add') });
    assert.equal([r.code, r.stdout, r.stderr], [1, '', [
      'error: the workflows have errors (hyperp validate shows them all):',
      '  ../hyperp-workflows/calculator.yaml:20:18 error concurrency of job "x * y" must be a whole number from 1 to 100, not 0 (field jobs[1].concurrency)',
      '',
    ].join('\n')]);
  } finally {
    writeFileSync(yaml, original);
  }
});

s('a broken workflow file is reported with its file, line and field, and the other workflows are planned (it blocked the plan)', async () => {
  const broken = join(dir, 'hyperp-workflows', 'broken.yaml');
  writeFileSync(broken, 'workflowName: broken\njobs:\n  - jobName: a\n    taskDefinitionPath: add/taskdef.json\n    concurrency: 0\n');
  try {
    const r = await hyperp(['plan', '--engine', 'process', '--json'], { cwd: dir });
    assert.equal([r.code, r.stderr], [0, [
      'warning: 1 workflow file has errors and was left out (hyperp validate shows them all):',
      '  hyperp-workflows/broken.yaml:5:18 error concurrency of job "a" must be a whole number from 1 to 100, not 0 (field jobs[0].concurrency)',
      '',
    ].join('\n')]);
    assert.equal((JSON.parse(r.stdout) as JsonPlan).workflows.map((w) => w.name), ['calculator']);
  } finally {
    rmSync(broken);
  }
});

s('the human view lists each job and container with its reason; uncommitted edits are planned', async () => {
  writeFileSync(join(dir, 'add/main.py'), '# uncommitted\n');
  const r = await hyperp(['plan', '--repo', dir, '--engine', 'process']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines.slice(0, 3), ['planning the working tree, uncommitted changes included', `commit ${git('rev-parse', 'HEAD')} on branch main`, 'workflow calculator (hyperp-workflows/calculator.yaml)']);
  assert.ok(lines.includes('  job (x * y) + (x / z): build'), r.stdout);
  assert.ok(lines.some((l) => /^ {4}\S+: build: add\/main\.py changed since image [0-9a-f]{12}…$/.test(l)), r.stdout);
  git('checkout', '--', 'add/main.py');
});

s('a detached HEAD needs --branch; a folder outside git and a bad --ref are clear errors', async () => {
  git('checkout', '-q', '--detach');
  const r = await plan();
  assert.equal([r.code, r.stderr], [2, 'error: HEAD is detached: name the branch to plan for with --branch\n']);
  assert.is((await plan('--branch', 'main')).code, 0);
  git('checkout', '-q', 'main');
  const bad = await plan('--ref', 'no-such-rev');
  assert.is(bad.code, 1);
  assert.match(bad.stderr, 'no-such-rev is not a commit');
  const outside = mkdtempSync(join(tmpdir(), 'hyperp-nogit-'));
  const none = await hyperp(['plan', '--repo', outside, '--engine', 'process']);
  rmSync(outside, { recursive: true });
  assert.equal([none.code, none.stderr], [1, `error: ${outside} is not inside a git repository; plan compares what a commit holds with the images built, so it needs one (git init; hyperp validate also reads a plain folder)\n`]);
});

s.run();
