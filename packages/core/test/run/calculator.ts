// The calculator fixture as a run request: its workflow loaded and planned the way adapters do,
// from the files on disk (blob ids computed like git's), with no earlier images.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { planWorkflow } from '../../src/plan/plan.js';
import type { RepoSnapshot } from '../../src/repo/snapshot.js';
import type { RunRequested } from '../../src/run/events.js';
import { runSettings } from '../../src/run/settings.js';
import { simulatedSettings } from '../../src/sim/workflow.js';
import { loadWorkflows } from '../../src/workflow/load.js';

export const calculatorDir = new URL('../../../../fixtures/calculator', import.meta.url).pathname;

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));

const blob = (content: Buffer): string =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

export const calculatorSnapshot = (): RepoSnapshot => {
  const files = walk(calculatorDir).map((f) => ({ path: relative(calculatorDir, f).split('\\').join('/'), blob: blob(readFileSync(f)) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    commit: '4f1c2a9e7b3d5f60718293a4b5c6d7e8f9012345',
    dirty: false,
    files,
    read: (path) => (files.some((f) => f.path === path) ? readFileSync(join(calculatorDir, path), 'utf8') : undefined),
  };
};

export const calculatorRequest = (runId = 'run-calc', at = 1_700_000_000_000): RunRequested => {
  const snapshot = calculatorSnapshot();
  const loaded = loadWorkflows(snapshot);
  const workflow = loaded.workflows[0];
  if (workflow === undefined) throw new Error(`calculator did not load: ${JSON.stringify(loaded.issues)}`);
  const plan = planWorkflow({ snapshot, images: new Map(), builderVersion: 'golden-builder' }, workflow);
  if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
  return {
    _tag: 'RunRequested', at, runId, trigger: { kind: 'push', deliveryId: 'delivery-1', sender: 'octocat' },
    commit: snapshot.commit, branch: 'main', dirty: false, workflow, plan: plan.value,
    settings: runSettings({ ...simulatedSettings, statusContext: 'hyperp/calculator' }), reuse: [],
  };
};
