/**
 * A job's way through the run: it waits for its own images and its dependencies, registers its
 * task definition as soon as its images exist (so registration overlaps the dependencies' run
 * time), starts when both are done, and ends SUCCEEDED, FAILED (dependents SKIPPED, transitively),
 * SKIPPED or CANCELLED. No barrier waits for every image of the workflow.
 */
import * as E from 'fp-ts/lib/Either.js';
import { downloadableKey, jobArtifactPath } from '../names/artifacts.js';
import { describeRenderIssue } from '../render/issues.js';
import { renderTaskDefinition } from '../render/taskdef.js';
import { enqueueLaunch, newAttempt, runTags } from './launch.js';
import { inFlight, jobAt, putJob, setJobStatus } from './records.js';
import { stopEverything, stopJobTasks } from './stop.js';
import { isTerminalJob, zeroTaskCounts, type JobStatus, type TaskRecord } from './state.js';
import { vecFromArray } from './vector.js';
import { emit, runIdOf, type Tx } from './tx.js';

/** The status of a job that has not started: what it still waits for. */
const waitingStatus = (imagesWaiting: number, depsWaiting: number): JobStatus =>
  imagesWaiting > 0 ? 'BUILDING' : depsWaiting > 0 ? 'PENDING' : 'READY';

const notStarted = (s: JobStatus): boolean => s === 'PENDING' || s === 'BUILDING' || s === 'READY';

/** Starts the job if nothing holds it back any more. */
export const maybeStartJob = (tx: Tx, j: number): void => {
  const job = jobAt(tx, j);
  if (job === undefined || job.status !== 'READY' || job.registration !== 'REGISTERED') return;
  if (tx.s.directories !== 'READY' || tx.s.cancel !== null || tx.s.stopping) return;
  const spec = tx.s.request!.workflow.jobs[j]!;
  const tasks: TaskRecord[] = [];
  for (let index = 1; index <= spec.concurrency; index++) {
    tasks.push({ index, status: 'QUEUED', attempts: [newAttempt(tx, j, index, 1, null)] });
  }
  putJob(tx, j, {
    ...jobAt(tx, j)!,
    status: 'RUNNING',
    startedAt: tx.s.now,
    tasks: vecFromArray(tasks),
    taskCounts: { ...zeroTaskCounts, QUEUED: spec.concurrency },
  });
  for (let index = 1; index <= spec.concurrency; index++) enqueueLaunch(tx, { kind: 'task', job: j, index, attempt: 1 });
};

/** Renders and registers the job's task definition (its images all exist now). */
export const registerJob = (tx: Tx, j: number): void => {
  const job = jobAt(tx, j);
  if (job === undefined || job.registration !== 'NONE' || isTerminalJob(job.status)) return;
  const r = tx.s.request!;
  const g = tx.s.graph!;
  const spec = r.workflow.jobs[j]!;
  // fromEntries: names such as `__proto__` become keys like any other.
  const imageKeys = Object.fromEntries(Object.entries(g.containerImages[j]!).map(([container, i]) => [container, g.images[i]!.key]));
  const inputRuns = Object.fromEntries(g.deps[j]!.map((d) => [g.jobNames[d]!, jobAt(tx, d)!.outputRunId]));
  const rendered = renderTaskDefinition({
    workflow: r.workflow, job: spec, commit: r.commit, runId: r.runId, imageKeys, inputRuns, settings: r.settings.render,
  });
  if (E.isLeft(rendered)) {
    failJob(tx, j, `its task definition cannot be rendered: ${rendered.left.map(describeRenderIssue).join('; ')}`);
    return;
  }
  putJob(tx, j, { ...job, registration: 'REGISTERING' });
  emit(tx, {
    _tag: 'RegisterTaskDefinition',
    runId: runIdOf(tx),
    job: spec.name,
    family: rendered.right.family,
    taskDefinition: rendered.right,
    tags: runTags(tx.s, j),
  });
};

/** One of the job's images became available. */
export const imageReadyForJob = (tx: Tx, j: number): void => {
  const job = jobAt(tx, j);
  if (job === undefined || !notStarted(job.status)) return;
  const imagesWaiting = Math.max(0, job.imagesWaiting - 1);
  putJob(tx, j, { ...job, imagesWaiting, status: waitingStatus(imagesWaiting, job.depsWaiting) });
  if (imagesWaiting === 0) registerJob(tx, j);
  maybeStartJob(tx, j);
};

export const jobSucceeded = (tx: Tx, j: number): void => {
  const job = jobAt(tx, j);
  if (job === undefined || job.status !== 'RUNNING') return;
  const r = tx.s.request!;
  const spec = r.workflow.jobs[j]!;
  setJobStatus(tx, j, 'SUCCEEDED', null, {
    finishedAt: tx.s.now,
    downloadable: spec.downloadable ? { status: 'PENDING', location: null, bytes: null, reason: null } : null,
  });
  if (spec.downloadable) {
    const scope = { commit: r.commit, runId: r.runId, workflow: r.workflow.name };
    inFlight(tx, { downloads: 1 });
    emit(tx, {
      _tag: 'CreateDownloadable',
      runId: r.runId,
      job: spec.name,
      sourcePath: jobArtifactPath(scope, spec.name),
      bucket: r.settings.artifactsBucket,
      objectKey: downloadableKey(scope, spec.name),
    });
  }
  for (const d of tx.s.graph!.dependents[j]!) {
    const dep = jobAt(tx, d)!;
    if (!notStarted(dep.status)) continue;
    const depsWaiting = Math.max(0, dep.depsWaiting - 1);
    putJob(tx, d, { ...dep, depsWaiting, status: waitingStatus(dep.imagesWaiting, depsWaiting) });
    maybeStartJob(tx, d);
  }
};

/** Every job downstream of `j` that has not ended is SKIPPED (each visited once per run). */
const skipDependents = (tx: Tx, j: number): void => {
  const g = tx.s.graph!;
  const reason = `upstream job "${g.jobNames[j]}" failed`;
  const stack = [...g.dependents[j]!];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const dep = jobAt(tx, d)!;
    if (isTerminalJob(dep.status) || dep.status === 'RUNNING') continue;
    setJobStatus(tx, d, 'SKIPPED', reason, { finishedAt: tx.s.now });
    stack.push(...g.dependents[d]!);
  }
};

/**
 * The job failed for good: its own remaining tasks stop, its dependents are skipped and
 * independent jobs go on — unless the workflow says `failFast`, which stops everything.
 */
export const failJob = (tx: Tx, j: number, reason: string): void => {
  const job = jobAt(tx, j);
  if (job === undefined || isTerminalJob(job.status)) return;
  setJobStatus(tx, j, 'FAILED', reason, { finishedAt: tx.s.now });
  if (tx.s.failure === null) tx.s = { ...tx.s, failure: `job "${job.name}" failed: ${reason}` };
  stopJobTasks(tx, j, `job "${job.name}" failed: ${reason}`);
  skipDependents(tx, j);
  if (tx.s.request!.workflow.failFast && !tx.s.stopping) stopEverything(tx, `failFast: job "${job.name}" failed`);
};
