// `pnpm bench plan`: change detection on a large repository. Image keys and a whole plan for a
// synthetic listing of 10,000 and 100,000 files: a fixed number of build contexts (the work per
// plan should grow with the files, linearly), and a monorepo whose number of services grows with
// the files (the work should grow with the files times log of them, not with files × services).
// Each context has a `.dockerignore` dropping dependencies, logs and build output. Prints JSON,
// then a table. Figures, not pass/fail.
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { imageKey } from '../src/images/key.js';
import { imageStoreOf, type StoredImage } from '../src/plan/image-store.js';
import { planWorkflow } from '../src/plan/plan.js';
import type { RepoFile, RepoSnapshot } from '../src/repo/snapshot.js';
import { syntheticWorkflowSpec } from '../src/sim/workflow.js';
import type { WorkflowSpec } from '../src/workflow/spec.js';

const BUILDER = 'bench-builder-1';

const DOCKERIGNORE = [
  '# dependencies and build output are not part of the image',
  'node_modules',
  '**/*.log',
  '!logs/keep.log',
  'dist/',
  '**/__pycache__',
  '*.md',
].join('\n');

interface Repo {
  readonly snapshot: RepoSnapshot;
  readonly dockerfiles: readonly string[];
}

/**
 * `files` paths: `contexts` services `svcK/` holding half the files (sources, tests, ignored
 * dependencies, logs), and the rest elsewhere (docs, a vendored tree) where no context looks.
 */
const syntheticRepo = (files: number, contexts: number): Repo => {
  const paths: string[] = [];
  const texts = new Map<string, string>();
  const perContext = Math.floor(files / 2 / contexts);
  for (let c = 0; c < contexts; c++) {
    const root = `svc${String(c).padStart(4, '0')}`;
    texts.set(`${root}/Dockerfile`, `FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "src/index.js"]\n`);
    texts.set(`${root}/.dockerignore`, DOCKERIGNORE);
    for (let k = 0; k < perContext - 2; k++) {
      const kind = k % 10;
      paths.push(
        kind < 5 ? `${root}/src/mod${k % 37}/file${k}.js`
          : kind < 7 ? `${root}/node_modules/pkg${k % 23}/lib/f${k}.js`
          : kind === 7 ? `${root}/logs/run${k}.log`
          : kind === 8 ? `${root}/dist/bundle${k}.js`
          : `${root}/test/case${k}.test.js`,
      );
    }
  }
  for (let k = paths.length + texts.size; k < files; k++) paths.push(k % 2 === 0 ? `docs/page${k}.md` : `vendor/lib${k % 101}/src/v${k}.c`);
  paths.push(...texts.keys());
  paths.sort();
  const listing: RepoFile[] = paths.map((path, i) => ({ path, blob: i.toString(16).padStart(40, '0') }));
  return {
    snapshot: { commit: 'bench', dirty: false, files: listing, read: (p) => texts.get(p) },
    dockerfiles: [...texts.keys()].filter((p) => p.endsWith('/Dockerfile')),
  };
};

const workflowOf = (repo: Repo): WorkflowSpec => {
  const spec = syntheticWorkflowSpec({ name: 'bench', jobs: repo.dockerfiles.map((_, k) => ({ name: `job${k}` })) });
  return {
    ...spec,
    jobs: spec.jobs.map((j, k) => ({
      ...j,
      taskDefinitionPath: `${repo.dockerfiles[k]!.replace(/Dockerfile$/, '')}taskdef.json`,
      taskDefinition: { ...j.taskDefinition, containerDefinitions: [{ name: 'main', dockerfilePath: repo.dockerfiles[k]!, essential: true }] },
    })),
  };
};

/** The best of a few rounds, in milliseconds (the least disturbed by the machine). */
const best = (rounds: number, f: () => void): number => {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
};

interface Row {
  readonly shape: string;
  readonly files: number;
  readonly contexts: number;
  readonly keyedFiles: number;
  readonly keysMs: number;
  readonly keysMicrosecondsPerFile: number;
  readonly planMs: number;
  readonly planMicrosecondsPerFile: number;
}

const measure = (shape: string, files: number, contexts: number): Row => {
  const repo = syntheticRepo(files, contexts);
  const workflow = workflowOf(repo);
  const keys = repo.dockerfiles.map((d) => imageKey(repo.snapshot, d, BUILDER));
  // Half the images exist from an earlier commit (with their listings): the plan explains the
  // rebuild of the others by the files that changed.
  const stored: StoredImage[] = keys.flatMap((k, i) => (E.isRight(k) && i % 2 === 0
    ? [{ key: k.right.key, builtAt: i, workflow: 'bench', job: `job${i}`, container: 'main', dockerfilePath: k.right.dockerfilePath, files: k.right.files }]
    : E.isRight(k) ? [{ key: `old-${i}`, builtAt: i, workflow: 'bench', job: `job${i}`, container: 'main', dockerfilePath: k.right.dockerfilePath, files: k.right.files.slice(1) }] : []));
  const input = { snapshot: repo.snapshot, images: imageStoreOf(stored), builderVersion: BUILDER };
  const rounds = files > 50_000 ? 3 : 5;
  const keysMs = best(rounds, () => repo.dockerfiles.forEach((d) => imageKey(repo.snapshot, d, BUILDER)));
  let planned = 0;
  const planMs = best(rounds, () => {
    const p = planWorkflow(input, workflow);
    planned = p.ok ? p.value.jobs.length : -1;
  });
  if (planned !== contexts) throw new Error(`the plan has ${planned} jobs, expected ${contexts}`);
  return {
    shape,
    files,
    contexts,
    keyedFiles: keys.reduce((n, k) => n + (E.isRight(k) ? k.right.files.length : 0), 0),
    keysMs: Number(keysMs.toFixed(1)),
    keysMicrosecondsPerFile: Number(((keysMs * 1000) / files).toFixed(3)),
    planMs: Number(planMs.toFixed(1)),
    planMicrosecondsPerFile: Number(((planMs * 1000) / files).toFixed(3)),
  };
};

// Warm the JIT, so the first measured size is not charged for compilation.
measure('warm-up', 5_000, 8);

const rows = [
  measure('8 contexts', 10_000, 8),
  measure('8 contexts', 100_000, 8),
  measure('monorepo, 1 context per 500 files', 10_000, 20),
  measure('monorepo, 1 context per 500 files', 100_000, 200),
];
const ratio = (a: Row, b: Row) => ({
  shape: a.shape,
  files: `${b.files} / ${a.files}`,
  keysTimeRatio: Number((b.keysMs / a.keysMs).toFixed(2)),
  planTimeRatio: Number((b.planMs / a.planMs).toFixed(2)),
  perFileRatio: Number((b.planMicrosecondsPerFile / a.planMicrosecondsPerFile).toFixed(2)),
});
const ratios = [ratio(rows[0]!, rows[1]!), ratio(rows[2]!, rows[3]!)];

console.log(JSON.stringify({ bench: 'core/plan', rows, ratios }, null, 2));
console.log('\nchange detection: image keys and a plan for a synthetic repository listing');
console.table(rows);
console.log('growth from 10,000 to 100,000 files (linear: time ratio 10, per-file ratio 1)');
console.table(ratios);
