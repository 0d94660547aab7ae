// The packages as a user outside this repository gets them: built, packed with `pnpm pack`,
// installed from the tarballs into an empty folder, then used from plain Node (no tsx), from a
// TypeScript file checked with `tsc --strict`, and through the installed `hyperp` executable.
// The install reuses pnpm's store and cached metadata (offline when it can).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pulumiSdkMissing } from '../src/deploy/pulumi-sdk.js';

const root = new URL('../../..', import.meta.url).pathname;
/** What the CLI package needs of the workspace, then the CLI. */
const packed = ['core', 'adapters-local', 'ui', 'cli'] as const;

/** The pnpm that runs the suite (`pnpm test` sets npm_execpath), else the one on PATH. */
const pnpm = (args: readonly string[], cwd: string): SpawnSyncReturns<string> => {
  const execPath = process.env['npm_execpath'];
  const [command, first] = execPath && /pnpm/.test(basename(execPath)) ? [process.execPath, [execPath]] : ['pnpm', []];
  return spawnSync(command, [...first, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
};
const ok = (r: SpawnSyncReturns<string>, what: string): string => {
  assert.is(r.status, 0, `${what} exited ${r.status}${r.error ? ` (${r.error.message})` : ''}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

const work = mkdtempSync(join(tmpdir(), 'hyperp-packed-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const started = Date.now();
const phases: string[] = [];
const phase = (name: string, since: number): number => (phases.push(`${name} ${((Date.now() - since) / 1000).toFixed(1)} s`), Date.now());

try {
  // The build `pnpm install` runs, of the packed packages; tsc redoes only what changed since. (Done before the suite:
  // a failure here stops the file with its reason.)
  ok(spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...packed], { cwd: root, encoding: 'utf8' }), 'pnpm build');
  let at = phase('build', started);
  mkdirSync(tarballs);
  ok(pnpm([...packed.flatMap((name) => ['--filter', `@hyperp/${name}`]), 'pack', '--pack-destination', tarballs], root), 'pnpm pack');
  at = phase('pack', at);
  const tarball = (name: string): string => {
    const file = readdirSync(tarballs).find((f) => f.startsWith(`hyperp-${name}-`) && f.endsWith('.tgz'));
    assert.ok(file, `no tarball of @hyperp/${name} in ${readdirSync(tarballs).join(', ')}`);
    return `file:${join(tarballs, file)}`;
  };
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'consumer',
    private: true,
    type: 'module',
    dependencies: { '@hyperp/core': tarball('core'), '@hyperp/cli': tarball('cli') },
    // The CLI's dependencies on the other workspace packages, from their tarballs too.
    pnpm: { overrides: Object.fromEntries(packed.map((name) => [`@hyperp/${name}`, tarball(name)])) },
  }, null, 2));
  const install = (network: string) => pnpm(['install', network, '--no-frozen-lockfile', '--reporter=append-only'], app);
  const offline = install('--offline');
  // A machine whose pnpm has never cached the registry's metadata (a fresh CI) asks the registry.
  ok(offline.status === 0 ? offline : install('--prefer-offline'), 'pnpm install of the tarballs');
  phase(offline.status === 0 ? 'install (offline)' : 'install', at);
} catch (e) {
  rmSync(work, { recursive: true, force: true });
  throw e;
}

const Packed = suite('the packed packages, installed outside the workspace');

Packed.after(() => {
  console.log(`\nfigures: built, packed, installed and checked in ${((Date.now() - started) / 1000).toFixed(1)} s (${phases.join(', ')})`);
  rmSync(work, { recursive: true, force: true });
});

Packed('@hyperp/core imports in plain Node and validates a workflow; its simulator runs a run to the end', () => {
  const fixture = join(root, 'fixtures', 'calculator');
  const files = execFileSync('find', ['.', '-type', 'f'], { cwd: fixture, encoding: 'utf8' }).trim().split('\n')
    .map((p) => ({ path: p.slice(2), content: readFileSync(join(fixture, p), 'utf8') }));
  writeFileSync(join(app, 'files.json'), JSON.stringify(files));
  writeFileSync(join(app, 'use-core.mjs'), `
import { readFileSync } from 'node:fs';
import { loadWorkflows, snapshotFromFiles } from '@hyperp/core';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
const files = JSON.parse(readFileSync('files.json', 'utf8'));
const { snapshot, issues } = snapshotFromFiles({ commit: 'a'.repeat(40), files });
const loaded = loadWorkflows(snapshot);
const request = syntheticRunRequested({ name: 'w', jobs: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }] }, { runId: 'r1', at: 0 });
const sim = simulate({ seed: 1, request, model: { startLatencyMs: 10, buildMs: () => 10, task: () => ({ durationMs: 10, exitCode: 0 }) } });
console.log(JSON.stringify({ snapshotIssues: issues.length, workflows: loaded.workflows.map((w) => w.name), issues: loaded.issues.map((i) => i.message), run: sim.state.status }));
`);
  const out = ok(spawnSync(process.execPath, ['use-core.mjs'], { cwd: app, encoding: 'utf8' }), 'node use-core.mjs');
  assert.equal(JSON.parse(out), { snapshotIssues: 0, workflows: ['calculator'], issues: [], run: 'SUCCEEDED' });
});

Packed('a consumer\'s TypeScript type-checks under tsc --strict against the installed declarations', () => {
  writeFileSync(join(app, 'consumer.ts'), `
import { initialState, loadWorkflows, reduce, snapshotFromFiles, tick, type RunState, type ValidationIssue } from '@hyperp/core';
import { simulate } from '@hyperp/core/sim';

const { snapshot } = snapshotFromFiles({ commit: 'a'.repeat(40), files: [{ path: 'README.md', content: 'hi' }] });
const errors: readonly ValidationIssue[] = loadWorkflows(snapshot).issues.filter((i) => i.severity === 'error');
const state: RunState = initialState();
export const next: ReturnType<typeof reduce> = reduce(state, tick(0));
export const sim: typeof simulate = simulate;
// The declarations are real types, not \`any\`: a wrong argument is an error.
// @ts-expect-error a workflow file is not a snapshot
loadWorkflows('hyperp-workflows/ci.yaml');
export const count: number = errors.length;
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], skipLibCheck: false },
    files: ['consumer.ts'],
  }));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  ok(spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' }), 'tsc --strict on consumer.ts');
});

Packed('the installed hyperp answers --version and --help, and validates a repository', () => {
  const hyperp = join(app, 'node_modules', '.bin', 'hyperp');
  assert.ok(existsSync(hyperp), 'no node_modules/.bin/hyperp');
  const { version } = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string };
  assert.is(ok(spawnSync(hyperp, ['--version'], { cwd: app, encoding: 'utf8' }), 'hyperp --version'), `${version}\n`);
  const help = ok(spawnSync(hyperp, ['--help'], { cwd: app, encoding: 'utf8' }), 'hyperp --help');
  assert.match(help, /^Usage: hyperp /);
  assert.match(help, /\n {2}runs +list and inspect runs/);
  const validate = ok(spawnSync(hyperp, ['validate', '--repo', join(root, 'fixtures', 'calculator')], { cwd: app, encoding: 'utf8' }), 'hyperp validate');
  assert.match(validate, /0 errors, 0 warnings; valid: calculator/);
});

Packed('the installed hyperp has no Pulumi in its dependency tree: other commands run without it, deploy says what to install', () => {
  // pnpm keeps every package it installed in node_modules/.pnpm, whoever depends on it.
  assert.equal(readdirSync(join(app, 'node_modules', '.pnpm')).filter((d) => d.startsWith('@pulumi+')), []);
  const hyperp = join(app, 'node_modules', '.bin', 'hyperp');
  const list = ok(spawnSync(hyperp, ['runs', 'list', '--repo', work], { cwd: app, encoding: 'utf8' }), 'hyperp runs list');
  assert.is(list, `no runs under ${join(work, '.hyperp')}\n`);
  const deploy = spawnSync(hyperp, ['deploy', '--stack', 'dev'], { cwd: app, encoding: 'utf8' });
  assert.equal([deploy.status, deploy.stdout, deploy.stderr], [1, '', `error: ${pulumiSdkMissing()}\n`]);
  assert.match(deploy.stderr, /npm install @pulumi\/pulumi@\d+\.\d+\.\d+ /);
});

Packed('the tarballs hold the build and the sources, not the tests or build state', () => {
  for (const name of ['core', 'cli'] as const) {
    const dir = join(app, 'node_modules', '@hyperp', name);
    assert.ok(existsSync(join(dir, 'dist', 'index.d.ts')), `@hyperp/${name} has no dist/index.d.ts`);
    assert.ok(existsSync(join(dir, 'src', 'index.ts')), `@hyperp/${name} has no src/index.ts`);
    assert.not.ok(existsSync(join(dir, 'test')), `@hyperp/${name} holds its tests`);
    assert.not.ok(existsSync(join(dir, 'dist', '.tsbuildinfo')), `@hyperp/${name} holds dist/.tsbuildinfo`);
  }
  assert.not.ok(existsSync(join(app, 'node_modules', '@hyperp', 'cli', 'dist', 'bundle', 'meta.json')));
});

Packed.run();
