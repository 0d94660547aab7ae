import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { imageStoreOf, jobImageKeys, planPush, type ImageStore, type StoredImage } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/types.js';
import type { JobSpec, WorkflowSpec } from '../../src/workflow/spec.js';
import type { ContainerDefinition } from '../../src/taskdef/model.js';
import type { RepoSnapshot } from '../../src/repo/snapshot.js';
import { chmodSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, type TestRepo } from '../support/git-repo.js';

const BUILDER = 'test-builder/1';

const job = (name: string, containers: ContainerDefinition[], taskDefinitionPath = `${name}/taskdef.json`): JobSpec => ({
  name,
  taskDefinitionPath,
  taskDefinition: { cpu: '256', memory: '512', containerDefinitions: containers },
  dependsOn: [],
  concurrency: 1,
  retries: 0,
  downloadable: false,
});

const workflow = (jobs: JobSpec[], branches: string[] = ['**']): WorkflowSpec => ({
  file: 'hyperp-workflows/w.yaml',
  name: 'w',
  branches,
  sharedArtifacts: [],
  failFast: false,
  triggers: { push: true, manual: false, cron: [] },
  jobs,
});

const calc = job('calc', [{ name: 'main', dockerfilePath: 'calc/Dockerfile' }]);

const plan = (snapshot: RepoSnapshot, images: ImageStore, workflows: WorkflowSpec[] = [workflow([calc])]): Plan => {
  const p = planPush({ workflows, branch: 'main', snapshot, images, builderVersion: BUILDER });
  if (!p.ok) throw new Error(JSON.stringify(p.issues));
  return p.value;
};

/** What a runtime does after building: record every built image with the files that made it. */
const record = (store: ImageStore, snapshot: RepoSnapshot, p: Plan, workflows: WorkflowSpec[], builtAt: number): ImageStore => {
  const added: StoredImage[] = [];
  for (const wp of p.workflows) {
    const wf = workflows.find((w) => w.name === wp.name)!;
    for (const jp of wp.jobs) {
      const spec = wf.jobs.find((j) => j.name === jp.name)!;
      const keys = jobImageKeys(snapshot, spec, BUILDER);
      for (const ip of jp.images.filter((i) => i.action === 'build')) {
        const k = keys.find((x) => x.container === ip.container)!.result;
        if (E.isLeft(k)) throw new Error('no key');
        added.push({ key: ip.key, builtAt, workflow: wp.name, job: jp.name, container: ip.container, dockerfilePath: ip.dockerfilePath, files: k.right.files });
      }
    }
  }
  return imageStoreOf([...store.values(), ...added]);
};

const only = (p: Plan) => p.workflows[0]!.jobs[0]!.images[0]!;

const base = {
  'calc/Dockerfile': 'FROM python:3.12\nCOPY . /app\n',
  'calc/main.py': 'print(1)\n',
  'calc/README.md': '# calc\n',
  'calc/keep.md': 'kept\n',
  'calc/sub/notes.md': 'notes\n',
  'calc/taskdef.json': '{"containerDefinitions":[]}\n',
  'calc/.dockerignore': '# docs are not needed\n*.md\n!keep.md\n/tmp\n',
  'calc/tmp/scratch': 'x\n',
  'calc-extra/other.py': 'print(2)\n',
  'hyperp-workflows/w.yaml': 'workflowName: w\n',
};

let repo: TestRepo;
let store: ImageStore;
let first: Plan;
const workflows = [workflow([calc])];

const s = suite('plan against an image store, over a real git repository', {});

s.before(() => {
  repo = makeRepo();
  repo.commit(base);
  first = plan(repo.snapshot(), new Map());
  store = record(new Map(), repo.snapshot(), first, workflows, 1_000);
});
s.after(() => repo.remove());

s('the first commit builds: no earlier image; the key covers the context after .dockerignore', () => {
  const i = only(first);
  assert.equal({ ...i, key: 'k', files: [] }, { container: 'main', dockerfilePath: 'calc/Dockerfile', context: 'calc', key: 'k', action: 'build', reason: 'build: no earlier image', changedFiles: [], files: [] });
  assert.match(i.key, /^[0-9a-f]{64}$/);
  const k = jobImageKeys(repo.snapshot(), calc, BUILDER)[0]!.result;
  assert.equal(E.isRight(k) && k.right.files.map((f) => f.path), ['calc/.dockerignore', 'calc/Dockerfile', 'calc/keep.md', 'calc/main.py', 'calc/sub/notes.md']);
  // An image the plan builds carries the files of its key, for the run's record of the image.
  assert.equal(i.files, E.isRight(k) ? k.right.files : 'no key');
  assert.equal(first.workflows[0]!.jobs[0]!.action, 'build');
});

s('an ignored file changed: reuse', () => {
  repo.commit({ 'calc/README.md': '# calc, documented\n', 'calc/tmp/scratch': 'y\n' });
  const i = only(plan(repo.snapshot(), store));
  assert.equal([i.action, i.reason, i.key], ['reuse', `reuse: key ${only(first).key.slice(0, 12)}… exists`, only(first).key]);
});

s('a file in a subdirectory that the root-level pattern does not match: build, naming it', () => {
  repo.commit({ 'calc/sub/notes.md': 'new notes\n' });
  const i = only(plan(repo.snapshot(), store));
  assert.equal([i.action, i.changedFiles, i.reason], ['build', ['calc/sub/notes.md'], `build: calc/sub/notes.md changed since image ${only(first).key.slice(0, 12)}…`]);
  repo.commit({ 'calc/sub/notes.md': 'notes\n' });
});

s('a re-included (!) file changed: build', () => {
  repo.commit({ 'calc/keep.md': 'changed\n' });
  const i = only(plan(repo.snapshot(), store));
  assert.equal([i.action, i.changedFiles], ['build', ['calc/keep.md']]);
  repo.commit({ 'calc/keep.md': 'kept\n' });
  assert.is(only(plan(repo.snapshot(), store)).action, 'reuse');
});

s('a removed file: build', () => {
  repo.commit({ 'calc/main.py': null, 'calc/lib.py': 'x = 1\n' });
  const i = only(plan(repo.snapshot(), store));
  assert.equal([i.action, i.changedFiles], ['build', ['calc/lib.py', 'calc/main.py']]);
});

s('a revert to a commit whose image exists: reuse', () => {
  repo.git('revert', '--no-edit', 'HEAD');
  assert.equal(only(plan(repo.snapshot(), store)).action, 'reuse');
});

s('made executable, or turned into a link whose target is its old text: build, saying the mode changed', () => {
  const was = only(first).key.slice(0, 12);
  chmodSync(join(repo.dir, 'calc/main.py'), 0o755);
  repo.commit({});
  const exec = only(plan(repo.snapshot(), store));
  assert.equal([exec.action, exec.changedFiles, exec.reason], ['build', ['calc/main.py'], `build: calc/main.py (mode regular → executable) changed since image ${was}…`]);
  chmodSync(join(repo.dir, 'calc/main.py'), 0o644);
  rmSync(join(repo.dir, 'calc/keep.md'));
  symlinkSync('kept\n', join(repo.dir, 'calc/keep.md')); // the same blob as the file it replaces
  repo.commit({});
  const link = only(plan(repo.snapshot(), store));
  assert.equal([link.action, link.changedFiles, link.reason], ['build', ['calc/keep.md'], `build: calc/keep.md (mode regular → symlink) changed since image ${was}…`]);
  rmSync(join(repo.dir, 'calc/keep.md'));
  repo.commit({ 'calc/keep.md': 'kept\n' });
  assert.is(only(plan(repo.snapshot(), store)).action, 'reuse');
});

s('a file in a sibling directory sharing the prefix (calc-extra/): reuse', () => {
  repo.commit({ 'calc-extra/other.py': 'print(3)\n' });
  assert.is(only(plan(repo.snapshot(), store)).action, 'reuse');
});

s('a task-definition-only change, even inside the context: reuse', () => {
  repo.commit({ 'calc/taskdef.json': '{"containerDefinitions":[],"cpu":"512"}\n' });
  assert.is(only(plan(repo.snapshot(), store)).action, 'reuse');
});

s('a changed imageBuildResources (the build\'s cpu and memory): reuse, same key', () => {
  const bigger = [workflow([{ ...calc, imageBuildResources: { cpu: 4096, memory: 8192 } }])];
  const i = only(plan(repo.snapshot(), store, bigger));
  assert.equal([i.action, i.key], ['reuse', only(plan(repo.snapshot(), store)).key]);
});

s('a changed dockerfilePath: build', () => {
  repo.commit({ 'calc2/Dockerfile': base['calc/Dockerfile'], 'calc2/main.py': base['calc/main.py'] });
  const moved = [workflow([job('calc', [{ name: 'main', dockerfilePath: 'calc2/Dockerfile' }], 'calc/taskdef.json')])];
  const i = only(plan(repo.snapshot(), store, moved));
  assert.equal([i.action, i.context, i.changedFiles.slice(0, 2)], ['build', 'calc2', ['calc/.dockerignore', 'calc/Dockerfile']]);
});

s('a new builder version builds, with no file named', () => {
  const p = planPush({ workflows, branch: 'main', snapshot: repo.snapshot(), images: store, builderVersion: 'test-builder/2' });
  assert.ok(p.ok);
  if (p.ok) {
    assert.equal([only(p.value).action, only(p.value).changedFiles], ['build', []]);
    assert.match(only(p.value).reason, 'but the builder or Dockerfile path changed');
  }
});

s('another engine\'s image is no baseline: a plan for one engine explains against its own images only', () => {
  const engineOf = (engine: string): ImageStore => imageStoreOf([...store.values()].map((i) => ({ ...i, engine })));
  const forDocker = (images: ImageStore) => {
    const p = planPush({ workflows, branch: 'main', snapshot: repo.snapshot(), images, builderVersion: 'test-builder/docker', engine: 'docker' });
    return p.ok ? only(p.value).reason : JSON.stringify(p.issues);
  };
  assert.is(forDocker(engineOf('process')), 'build: no earlier image');
  assert.match(forDocker(engineOf('docker')), 'but the builder or Dockerfile path changed');
});

s('a job with two containers: each keyed on its own context; the job builds when either does', () => {
  repo.commit({ 'side/Dockerfile': 'FROM busybox\n', 'side/run.sh': 'echo\n' });
  const two = [workflow([job('pair', [
    { name: 'main', dockerfilePath: 'calc/Dockerfile' },
    { name: 'side', dockerfilePath: 'side/Dockerfile' },
    { name: 'given', image: 'busybox:1.36' },
  ])])];
  const p1 = plan(repo.snapshot(), store, two);
  const images = p1.workflows[0]!.jobs[0]!.images;
  // calc/taskdef.json is another job's task definition: for this job it is an ordinary context file.
  assert.equal(images.map((i) => [i.container, i.action, i.changedFiles]), [['main', 'build', ['calc/taskdef.json']], ['side', 'build', []]]);
  assert.is(p1.workflows[0]!.jobs[0]!.action, 'build');
  const after = record(store, repo.snapshot(), p1, two, 2_000);
  repo.commit({ 'side/run.sh': 'echo hi\n' });
  const p2 = plan(repo.snapshot(), after, two);
  assert.equal(p2.workflows[0]!.jobs[0]!.images.map((i) => [i.container, i.action, i.changedFiles]), [['main', 'reuse', []], ['side', 'build', ['side/run.sh']]]);
  repo.commit({ 'side/run.sh': 'echo\n' });
  assert.is(plan(repo.snapshot(), after, two).workflows[0]!.jobs[0]!.action, 'reuse');
});

s('a missing Dockerfile is an issue naming workflow, job and container', () => {
  const broken = [workflow([job('gone', [{ name: 'main', dockerfilePath: 'nowhere/Dockerfile' }])])];
  assert.equal(planPush({ workflows: broken, branch: 'main', snapshot: repo.snapshot(), images: store, builderVersion: BUILDER }), {
    ok: false,
    issues: [{
      _tag: 'DockerfileNotFound', dockerfilePath: 'nowhere/Dockerfile', workflow: 'w', job: 'gone', container: 'main',
      message: 'Dockerfile nowhere/Dockerfile is not in the repository at this commit',
    }],
  });
});

s('only workflows whose branches match the pushed branch are planned', () => {
  const wfs = [workflow([calc], ['release/*']), { ...workflow([calc], ['**']), name: 'all' }];
  const p = planPush({ workflows: wfs, branch: 'main', snapshot: repo.snapshot(), images: store, builderVersion: BUILDER });
  assert.equal(p.ok && p.value.workflows.map((w) => w.name), ['all']);
});

s.run();
