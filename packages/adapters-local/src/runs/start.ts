/**
 * Starting runs locally: snapshot the repository (working tree as it is, or a commit), load and
 * plan its workflows against the local image store, and open one run per workflow by appending
 * its `RunRequested` to a new event log. Reruns are derived by the core from the earlier run.
 */
import { execFileSync } from 'node:child_process';
import {
  initialState,
  loadWorkflows,
  reduce,
  planWorkflow,
  workflowsForPush,
  describeImageKeyError,
  rerunRequested,
  type RepoSnapshot,
  type RunRequested,
  type RunState,
  type WorkflowSpec,
  type ImageStore,
  type RerunRefusal,
  type Result,
  type ValidationIssue,
} from '@hyperp/core';
import { manualRunRefused, resolveInputs, unknownWorkflowName, type FieldPlace } from '@hyperp/core/internal';
import { snapshotCommit, snapshotWorkingTree } from '../repo/snapshot.js';
import { existsSync, rmSync } from 'node:fs';
import { appendLog, encodeLines } from '../store/event-log.js';
import { ensureLayout, eventsFile, newRunId, runDir, type LocalLayout } from '../layout.js';
import { localRunSettings } from './settings.js';
import { writeRunSummary } from './summary-file.js';
import { runSummaryOf } from './view.js';

export interface PrepareInput {
  readonly repoDir: string;
  /** A commit to run instead of the working tree. */
  readonly ref?: string;
  /** Workflow names to run whatever their branches; empty: those a push of this branch runs. */
  readonly workflows: readonly string[];
  readonly images: ImageStore;
  readonly builderVersion: string;
  /** The engine that builds: a rebuild is explained against its own images only. */
  readonly engine?: string;
  readonly now: number;
  readonly priceRegion?: string;
  /** `--input name=value`s, checked against each chosen workflow's declaration. */
  readonly inputs?: Readonly<Record<string, string>>;
}

export type Prepared =
  | {
    readonly _tag: 'Prepared'; readonly snapshot: RepoSnapshot; readonly branch: string; readonly requests: readonly RunRequested[];
    /** Errors of workflow files that do not load: reported, but they stop no other workflow. */
    readonly broken: readonly ValidationIssue[];
    /** Workflows a push would run that may not be started by hand (`triggers.manual: false`): not run. */
    readonly notManual: readonly { readonly workflow: string; readonly place: FieldPlace }[];
  }
  | {
    readonly _tag: 'PrepareError'; readonly message: string;
    /** The issues that explain it (a named workflow's file with errors), to list under the message. */
    readonly issues: readonly ValidationIssue[];
    /** The field that refuses it, when one does. */
    readonly place?: FieldPlace;
  };

/** The checked-out branch (`HEAD` when detached), or the ref itself when it names a branch. */
const branchOf = (dir: string, ref: string | undefined): string => {
  const run = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  if (ref !== undefined) {
    const full = run(['rev-parse', '--symbolic-full-name', ref]);
    return full.startsWith('refs/heads/') ? full.slice('refs/heads/'.length) : 'HEAD';
  }
  return run(['symbolic-ref', '--short', '-q', 'HEAD']) || 'HEAD';
};

export const prepareRuns = async (input: PrepareInput): Promise<Prepared> => {
  const snapshot = input.ref === undefined ? await snapshotWorkingTree(input.repoDir) : await snapshotCommit(input.repoDir, input.ref);
  const branch = branchOf(input.repoDir, input.ref);
  const loaded = loadWorkflows(snapshot);
  const broken = loaded.issues.filter((i) => i.severity === 'error');
  const names = loaded.workflows.map((w) => w.name);
  const fail = (message: string, issues: readonly ValidationIssue[] = [], place?: FieldPlace): Prepared =>
    ({ _tag: 'PrepareError', message, issues, ...(place ? { place } : {}) });
  const withErrors = broken.length > 0 ? '; these workflow files have errors (hyperp validate shows them all):' : '';
  // Nothing loaded: the errors are the answer, whatever was asked for.
  if (names.length === 0 && broken.length > 0) return fail('the workflows have errors (hyperp validate shows them all):', broken);
  let chosen: WorkflowSpec[];
  const notManual: { workflow: string; place: FieldPlace }[] = [];
  if (input.workflows.length > 0) {
    const missing = input.workflows.filter((n) => !names.includes(n));
    // A name that did not load may be a file with errors: they are listed with it.
    if (missing.length > 0) return fail(`${missing.map((m) => unknownWorkflowName(m, names)).join('; ')}${withErrors}`, broken);
    chosen = loaded.workflows.filter((w) => input.workflows.includes(w.name));
    for (const w of chosen) {
      const place = manualRunRefused(snapshot, w);
      if (place) return fail(`workflow "${w.name}" may not be started by hand (triggers.manual is false)`, [], place);
    }
  } else {
    const pushed = workflowsForPush(loaded.workflows, branch);
    chosen = pushed.filter((w) => {
      const place = manualRunRefused(snapshot, w);
      if (place) notManual.push({ workflow: w.name, place });
      return place === undefined;
    });
    if (chosen.length === 0 && notManual.length > 0) {
      return fail(`no workflow that runs on branch ${branch} may be started by hand (triggers.manual is false)`, [], notManual[0]!.place);
    }
    if (chosen.length === 0) {
      return fail(`no workflow runs on branch ${branch}; name one with --workflow (the repository has ${names.map((n) => `"${n}"`).join(', ') || 'none'})${withErrors}`, broken);
    }
  }
  const requests: RunRequested[] = [];
  for (const [i, workflow] of chosen.entries()) {
    const plan = planWorkflow({ snapshot, images: input.images, builderVersion: input.builderVersion, ...(input.engine !== undefined ? { engine: input.engine } : {}) }, workflow);
    if (!plan.ok) {
      return fail(plan.issues.map((p) => `${workflow.file}: job "${p.job}" container "${p.container}": ${describeImageKeyError(p)}`).join('\n'));
    }
    const inputs = resolveInputs(workflow.inputs ?? [], input.inputs ?? {});
    if (!inputs.ok) return fail(`workflow "${workflow.name}" (${workflow.file}): ${inputs.problems.join('; ')}`);
    requests.push({
      _tag: 'RunRequested',
      at: input.now,
      runId: newRunId(new Date(input.now + i)),
      trigger: { kind: 'manual', requestedBy: null },
      commit: snapshot.commit,
      branch,
      dirty: snapshot.dirty,
      workflow,
      plan: plan.value,
      settings: localRunSettings(input.priceRegion),
      reuse: [],
      ...((workflow.inputs ?? []).length > 0 ? { inputs: inputs.inputs } : {}),
    });
  }
  return { _tag: 'Prepared', snapshot, branch, requests, broken, notManual };
};

/**
 * Writes the runs' first events: from then on the runs exist. All or none: every request is
 * encoded before any folder is made (an event with no JSON line throws `UnwritableEventError`),
 * and a run whose first write fails leaves no folder behind, so `runs list` never shows an
 * empty run.
 */
export const openRuns = async (layout: LocalLayout, requests: readonly RunRequested[]): Promise<void> => {
  for (const r of requests) encodeLines([r]);
  ensureLayout(layout);
  const opened: string[] = [];
  try {
    for (const r of requests) {
      if (!existsSync(runDir(layout, r.runId))) opened.push(r.runId);
      await appendLog(eventsFile(layout, r.runId), [r]);
      // Listed from its first event on; a log that held more already is left to be folded.
      writeRunSummary(layout, r.runId, runSummaryOf(r.runId, reduce(initialState(), r)[0], []), Buffer.byteLength(encodeLines([r])));
    }
  } catch (e) {
    // Only folders this call made: a run that existed before keeps its log.
    for (const id of opened) rmSync(runDir(layout, id), { recursive: true, force: true });
    throw e;
  }
};

/** Writes the run's first event: from now on the run exists. */
export const openRun = (layout: LocalLayout, request: RunRequested): Promise<void> => openRuns(layout, [request]);

/**
 * A new run of an ended run's workflow at the same commit (see `rerunRequested` in the core):
 * images are reused when the local image store has them now.
 */
export const rerunRequest = (
  from: RunState, o: { readonly failedOnly: boolean; readonly images: ImageStore; readonly now: number },
): Result<RunRequested, RerunRefusal> =>
  rerunRequested(from, { runId: newRunId(new Date(o.now)), at: o.now, failedOnly: o.failedOnly, imageExists: (key) => o.images.has(key) });
