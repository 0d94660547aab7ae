/**
 * The plan for a commit: which workflows a push to the branch triggers and, for every job and
 * container that names a `dockerfilePath`, whether its image is built or reused, and why.
 * Pure: the listing, the workflows and the image store come in; a `Plan` goes out.
 */
import * as E from 'fp-ts/lib/Either.js';
import { failureOf, success, type Result } from '../result.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { JobSpec, WorkflowSpec } from '../workflow/spec.js';
import { describeImageKeyError, imageKey, type ImageKey, type ImageKeyError } from '../images/key.js';
import { branchMatches } from './branches.js';
import { changedFiles, describeChangedFiles, newestEarlierImage, type ImageStore } from './image-store.js';
import type { ImagePlan, JobPlan, Plan, WorkflowPlan } from './types.js';

/**
 * What `planPush` needs: the loaded workflows, the branch, the snapshot, the images that exist and
 * the builder version.
 */
export interface PlanInput {
  readonly workflows: readonly WorkflowSpec[];
  readonly branch: string;
  readonly snapshot: Pick<RepoSnapshot, 'commit' | 'files' | 'read'>;
  readonly images: ImageStore;
  /** Part of every image key: a new builder builds every image again. */
  readonly builderVersion: string;
  /** The engine that builds (locally: docker, podman, process): rebuilds are explained against its images only. */
  readonly engine?: string;
}

/** What planning one workflow needs: the commit's files, the images that exist, the builder. */
export type PlanContext = Omit<PlanInput, 'workflows' | 'branch'>;

/** An image that cannot be keyed (its Dockerfile is missing or outside the repository), with the workflow, job and container naming it. */
export type PlanIssue = ImageKeyError & {
  readonly workflow: string;
  readonly job: string;
  readonly container: string;
  /** `Dockerfile a/Dockerfile is not in the repository at this commit`. */
  readonly message: string;
};

/** Workflows a push to `branch` runs: push trigger on and a `branches` pattern matching. */
export const workflowsForPush = <W extends Pick<WorkflowSpec, 'branches' | 'triggers'>>(workflows: readonly W[], branch: string): W[] =>
  workflows.filter((w) => w.triggers.push && branchMatches(w.branches, branch));

const short = (key: string): string => `${key.slice(0, 12)}…`;

/** An image planned for reuse because its key exists. */
export const reusedImage = (i: Pick<ImagePlan, 'container' | 'dockerfilePath' | 'context' | 'key'>): ImagePlan => ({
  container: i.container, dockerfilePath: i.dockerfilePath, context: i.context, key: i.key,
  action: 'reuse', reason: `reuse: key ${short(i.key)} exists`, changedFiles: [],
});

const listFiles = (files: readonly string[]): string => {
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
};

/**
 * The image key of every container of a job that names a `dockerfilePath`, in declaration
 * order. The job's task definition file is left out of the keys even when it sits inside a
 * build context. Adapters recording a built image take its `files` from here.
 */
export const jobImageKeys = (
  snapshot: Pick<RepoSnapshot, 'files' | 'read'>,
  job: Pick<JobSpec, 'taskDefinition' | 'taskDefinitionPath'>,
  builderVersion: string,
): { readonly container: string; readonly result: E.Either<ImageKeyError, ImageKey> }[] =>
  job.taskDefinition.containerDefinitions.flatMap((c) =>
    c.dockerfilePath === undefined
      ? []
      : [{ container: c.name, result: imageKey(snapshot, c.dockerfilePath, builderVersion, { exclude: [job.taskDefinitionPath] }) }],
  );

const planImage = (
  input: PlanContext,
  workflow: WorkflowSpec,
  job: JobSpec,
  container: string,
  k: E.Either<ImageKeyError, ImageKey>,
): E.Either<PlanIssue, ImagePlan> => {
  if (E.isLeft(k)) return E.left({ ...k.left, workflow: workflow.name, job: job.name, container, message: describeImageKeyError(k.left) });
  const { key, context, files } = k.right;
  const base = { container, dockerfilePath: k.right.dockerfilePath, context, key };
  if (input.images.has(key)) return E.right(reusedImage(base));
  const previous = newestEarlierImage(input.images, {
    workflow: workflow.name, job: job.name, container, dockerfilePath: k.right.dockerfilePath, ...(input.engine !== undefined ? { engine: input.engine } : {}),
  }, key);
  if (!previous) return E.right({ ...base, action: 'build', reason: 'build: no earlier image', changedFiles: [], files });
  if (!previous.files) {
    return E.right({ ...base, action: 'build', reason: `build: no image for this key; the newest earlier image ${short(previous.key)} has no file listing`, changedFiles: [], files });
  }
  const changed = changedFiles(previous.files, files);
  const reason =
    changed.length === 0
      ? `build: same files as image ${short(previous.key)}, but the builder or Dockerfile path changed`
      : `build: ${listFiles(describeChangedFiles(previous.files, files, changed))} changed since image ${short(previous.key)}`;
  return E.right({ ...base, action: 'build', reason, changedFiles: changed, files });
};

const planJob = (input: PlanContext, workflow: WorkflowSpec, job: JobSpec): E.Either<PlanIssue[], JobPlan> => {
  const results = jobImageKeys(input.snapshot, job, input.builderVersion).map((k) => planImage(input, workflow, job, k.container, k.result));
  const issues = results.flatMap((r) => (E.isLeft(r) ? [r.left] : []));
  if (issues.length > 0) return E.left(issues);
  const images = results.flatMap((r) => (E.isRight(r) ? [r.right] : []));
  return E.right({ name: job.name, action: images.some((i) => i.action === 'build') ? 'build' : 'reuse', images });
};

/** Plans one workflow, whatever its triggers (manual and cron runs plan this way too); fails when an image cannot be keyed. */
export const planWorkflow = (input: PlanContext, workflow: WorkflowSpec): Result<WorkflowPlan, PlanIssue> => {
  const jobs = workflow.jobs.map((j) => planJob(input, workflow, j));
  const issues = jobs.flatMap((j) => (E.isLeft(j) ? j.left : []));
  if (issues.length > 0) return failureOf(issues);
  return success({ name: workflow.name, file: workflow.file, jobs: jobs.flatMap((j) => (E.isRight(j) ? [j.right] : [])) });
};

/** The plan for a push of `snapshot.commit` to `branch`: the workflows it triggers, each planned. */
export const planPush = (input: PlanInput): Result<Plan, PlanIssue> => {
  const planned = workflowsForPush(input.workflows, input.branch).map((w) => planWorkflow(input, w));
  const issues = planned.flatMap((p) => (p.ok ? [] : p.issues));
  if (issues.length > 0) return failureOf(issues);
  return success({
    commit: input.snapshot.commit,
    branch: input.branch,
    workflows: planned.flatMap((p) => (p.ok ? [p.value] : [])),
  });
};
