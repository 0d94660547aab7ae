/**
 * The `RunRequested` that starts a run, made from what an embedder has after loading and
 * planning: the snapshot, one workflow and its plan. Written by hand, a request whose plan
 * belongs to another workflow, or to another version of it, would run with images missing or
 * keyed on other files; here such a request is refused, each problem naming its field.
 */
import type { Plan, WorkflowPlan } from '../plan/types.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { WorkflowSpec } from '../workflow/spec.js';
import type { Millis, ReusedJob, RunRequested, Trigger } from './events.js';
import { runRequestShapeProblem } from './request-shape.js';
import { resolveInputs } from '../workflow/inputs.js';
import type { RunSettings } from './settings.js';
import type { Result } from '../result.js';

/** What `runRequested` needs: the run id and time, the snapshot, one loaded workflow, its plan and the settings. */
export interface RunRequestInput {
  /** The run's id, yours to choose (unique per run: it names the run's folders, tasks and logs). */
  readonly runId: string;
  /** When the run was asked for (epoch milliseconds). */
  readonly at: Millis;
  /** What started it; a manual run by no one in particular when left out. */
  readonly trigger?: Trigger;
  /** The snapshot the workflow was loaded and planned from: its `commit` and `dirty`. */
  readonly snapshot: Pick<RepoSnapshot, 'commit' | 'dirty'>;
  /** The branch the commit is on (shown, and matched by `branches`). */
  readonly branch: string;
  /** One workflow of `loadWorkflows(snapshot).workflows`. */
  readonly workflow: WorkflowSpec;
  /** Its plan (`planWorkflow`), or a whole `Plan` (`planPush`) that holds it. */
  readonly plan: WorkflowPlan | Plan;
  /** Where it runs (`runSettings({ render: … })`). */
  readonly settings: RunSettings;
  /** Jobs taken over from an earlier run (`rerunRequested` fills it); none when left out. */
  readonly reuse?: readonly ReusedJob[];
  /**
   * Values of the workflow's inputs, by name: text (`"5"`, `"true"`) or typed, checked against
   * its declaration with defaults filled in. Left out: defaults only.
   */
  readonly inputs?: Readonly<Record<string, unknown>>;
}

/** What is wrong with a run request's input: the field (`plan.jobs[1].images`) and why. */
export interface RunRequestIssue {
  readonly field: string;
  readonly message: string;
}

/** The request, or every problem found with its input. */
export type RunRequestResult = Result<RunRequested, RunRequestIssue>;

const isPlan = (p: WorkflowPlan | Plan): p is Plan => Array.isArray((p as Partial<Plan>).workflows);

/** Where the plan and the workflow disagree: every job planned, every built container keyed, nothing else. */
const planIssues = (workflow: WorkflowSpec, plan: WorkflowPlan): RunRequestIssue[] => {
  const issues: RunRequestIssue[] = [];
  if (plan.name !== workflow.name) {
    issues.push({ field: 'plan.name', message: `the plan is of workflow "${plan.name}", not "${workflow.name}"` });
    return issues;
  }
  const planned = new Map(plan.jobs.map((j, i) => [j.name, { j, i }]));
  for (const job of workflow.jobs) {
    const p = planned.get(job.name);
    const built = job.taskDefinition.containerDefinitions.filter((c) => c.dockerfilePath !== undefined);
    if (p === undefined) {
      if (built.length > 0) issues.push({ field: 'plan.jobs', message: `job "${job.name}" builds images but has no plan` });
      continue;
    }
    for (const c of built) {
      const image = p.j.images.find((i) => i.container === c.name);
      if (image === undefined) {
        issues.push({ field: `plan.jobs[${p.i}].images`, message: `container "${c.name}" of job "${job.name}" has no planned image` });
      }
    }
    p.j.images.forEach((image, k) => {
      if (!built.some((c) => c.name === image.container)) {
        issues.push({ field: `plan.jobs[${p.i}].images[${k}]`, message: `job "${job.name}" has no container "${image.container}" built from a Dockerfile` });
      }
    });
  }
  const jobs = new Set(workflow.jobs.map((j) => j.name));
  plan.jobs.forEach((j, i) => {
    if (!jobs.has(j.name)) issues.push({ field: `plan.jobs[${i}]`, message: `workflow "${workflow.name}" has no job "${j.name}"` });
  });
  return issues;
};

/**
 * The request that starts a run of `workflow` as `plan` planned it, or every reason it cannot
 * be one: a missing or mistyped field, a plan of another workflow (or of other jobs or
 * containers), a time that is not a time. Hand the value to `reduce` (after saving it).
 */
export const runRequested = (input: RunRequestInput): RunRequestResult => {
  const issues: RunRequestIssue[] = [];
  if (typeof input.runId !== 'string' || input.runId === '') issues.push({ field: 'runId', message: 'must be a non-empty string' });
  if (typeof input.at !== 'number' || !Number.isFinite(input.at) || input.at < 0) {
    issues.push({ field: 'at', message: 'must be a time in epoch milliseconds (a finite number of at least 0)' });
  }
  if (typeof input.snapshot?.commit !== 'string' || input.snapshot.commit === '') {
    issues.push({ field: 'snapshot.commit', message: 'must be a non-empty string' });
  }
  if (typeof input.branch !== 'string') issues.push({ field: 'branch', message: 'must be a string' });
  let plan: WorkflowPlan | undefined;
  if (input.plan !== null && typeof input.plan === 'object' && isPlan(input.plan)) {
    plan = input.plan.workflows.find((w) => w.name === input.workflow?.name);
    if (plan === undefined) issues.push({ field: 'plan.workflows', message: `the plan has no workflow "${String(input.workflow?.name)}"` });
  } else plan = input.plan;
  const inputs = resolveInputs(input.workflow?.inputs ?? [], input.inputs ?? {});
  if (!inputs.ok) issues.push(...inputs.problems.map((message) => ({ field: 'inputs', message })));
  const request: RunRequested = {
    _tag: 'RunRequested',
    at: input.at,
    runId: input.runId,
    trigger: input.trigger ?? { kind: 'manual', requestedBy: null },
    commit: input.snapshot?.commit,
    branch: input.branch,
    dirty: input.snapshot?.dirty === true,
    workflow: input.workflow,
    plan: plan!,
    settings: input.settings,
    reuse: input.reuse ?? [],
    ...(inputs.ok && (input.workflow?.inputs ?? []).length > 0 ? { inputs: inputs.inputs } : {}),
  };

  // The reducer's own reading of the shape, for callers without types (JSON, JavaScript).
  const shape = issues.length === 0 ? runRequestShapeProblem(request) : undefined;
  if (shape !== undefined) issues.push({ field: /"([^"]+)"/.exec(shape)?.[1] ?? '', message: shape });
  if (issues.length === 0) issues.push(...planIssues(request.workflow, request.plan));
  return issues.length === 0 ? { ok: true, value: request } : { ok: false, issues };
};
