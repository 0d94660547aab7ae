/**
 * A rerun: a new run of an ended run's workflow at the same commit, derived from its state. With
 * `failedOnly`, the jobs that succeeded are not run again: the new run takes over their outputs
 * from the run that produced them (a rerun of a rerun still points at the first). Images are
 * reused when they exist now, and built when they do not; where they exist is the adapter's to
 * say (the local image store, the registry), so this stays pure.
 */
import { failure, success, type Result } from '../result.js';
import { reusedImage } from '../plan/plan.js';
import type { ImagePlan, JobPlan, WorkflowPlan } from '../plan/types.js';
import type { Millis, ReusedJob, RunRequested } from './events.js';
import { isTerminalRun, type RunState, type RunStatus } from './state.js';
import { vecToArray } from './vector.js';
import { plural } from '../text/plural.js';

/**
 * What `rerunRequested` needs besides the ended state: the new run id and time, whether to run
 * failed jobs only, and which images exist now.
 */
export interface RerunOptions {
  /** The new run's id (the adapter's to make: a time and a random suffix, or a request id's hash). */
  readonly runId: string;
  readonly at: Millis;
  /** Run only the jobs that did not succeed; the others' outputs are reused. */
  readonly failedOnly: boolean;
  /** Whether an image exists now, so it is reused rather than built. */
  readonly imageExists: (key: string) => boolean;
}

/** Why a run cannot be run again, by `_tag`, before its `message`. */
export type RerunRefusalReason =
  | { readonly _tag: 'NoRequest' }
  | { readonly _tag: 'NotEnded'; readonly runId: string; readonly status: RunStatus }
  /** A failed-only rerun of a run whose jobs all succeeded would run nothing. */
  | { readonly _tag: 'NothingToRerun'; readonly runId: string };

/** Why a run cannot be run again; `message` says it for a person (`describeRerunRefusal` words it). */
export type RerunRefusal = RerunRefusalReason & { readonly message: string };

/** Why a rerun is refused, in one line for a person. */
export const describeRerunRefusal = (r: RerunRefusalReason): string =>
  r._tag === 'NoRequest' ? 'the run has no request to run again'
  : r._tag === 'NotEnded' ? `run ${r.runId} is still ${r.status}; wait for it to end or cancel it first`
  : `nothing to rerun: every job of run ${r.runId} succeeded (a rerun of all its jobs runs them again)`;

const jobs = (n: number): string => plural(n, 'job');

/** What a run does with its jobs, for a person: "running 4 jobs", or "running 1 job, reusing 3" in a rerun. */
export const runningJobsText = (total: number, reused: number): string =>
  reused === 0 ? `running ${jobs(total)}` : `running ${jobs(total - reused)}, reusing ${reused}`;

/** The jobs that succeeded, each with the run whose folder holds its output. */
export const succeededOutputs = (s: RunState): ReusedJob[] =>
  vecToArray(s.jobs).filter((j) => j.status === 'SUCCEEDED').map((j) => ({ job: j.name, runId: j.outputRunId }));

const short = (key: string): string => `${key.slice(0, 12)}…`;

const replanImage = (i: ImagePlan, exists: boolean): ImagePlan => {
  if (exists) return reusedImage(i);
  if (i.action === 'build') return i;
  return { ...i, action: 'build', reason: `build: image ${short(i.key)} no longer exists`, changedFiles: [] };
};

/** The plan again, with each image reused or built as the images that exist now say. */
export const replanImages = (plan: WorkflowPlan, imageExists: (key: string) => boolean): WorkflowPlan => ({
  ...plan,
  jobs: plan.jobs.map((j): JobPlan => {
    const images = j.images.map((i) => replanImage(i, imageExists(i.key)));
    return { ...j, images, action: images.some((i) => i.action === 'build') ? 'build' : 'reuse' };
  }),
});

const refused = (r: RerunRefusalReason): Result<never, RerunRefusal> => failure({ ...r, message: describeRerunRefusal(r) });

/**
 * The `RunRequested` that runs an ended run's workflow again at the same commit (with
 * `failedOnly`, only the jobs that did not succeed), or why it cannot.
 */
export const rerunRequested = (from: RunState, o: RerunOptions): Result<RunRequested, RerunRefusal> => {
  const req = from.request;
  if (req === null) return refused({ _tag: 'NoRequest' });
  if (!isTerminalRun(from.status)) return refused({ _tag: 'NotEnded', runId: req.runId, status: from.status });
  const reuse = o.failedOnly ? succeededOutputs(from) : [];
  if (o.failedOnly && reuse.length === req.workflow.jobs.length) return refused({ _tag: 'NothingToRerun', runId: req.runId });
  return success({
    ...req,
    at: o.at,
    runId: o.runId,
    trigger: { kind: 'rerun', fromRunId: req.runId, failedOnly: o.failedOnly },
    plan: replanImages(req.plan, o.imageExists),
    reuse,
  })
};
