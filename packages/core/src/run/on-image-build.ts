/**
 * Image builds end in one of two ways, whichever the engine reports: `ImageBuild*` events by
 * image key (engines that build directly), or the builder task's own launch and state events by
 * `startedBy` (kaniko on Fargate). A built image is recorded in the image store and unblocks
 * every job that uses it; a failed build fails those jobs.
 */
import type { ImageBuildFailed, ImageBuildStarted, ImageBuildSucceeded, RunEvent, TaskUsage } from './events.js';
import { addToTotals, usageCost } from './attempts.js';
import { failJob, imageReadyForJob } from './jobs.js';
import { imageAt, inFlight, putImage } from './records.js';
import type { GraphImage, ImageRecord } from './state.js';
import { flushBuildStop } from './stop.js';
import { diagnose, emit, type Tx } from './tx.js';

const imageIndexOf = (tx: Tx, key: string): number | undefined =>
  tx.s.graph !== null && Object.hasOwn(tx.s.graph.imageIndex, key) ? tx.s.graph.imageIndex[key] : undefined;

/** The engine reported the build running (with its task ARN when it has one). */
export const buildStarted = (tx: Tx, i: number, taskArn: string | null): void => {
  const img = imageAt(tx, i);
  if (img === undefined || img.status !== 'BUILDING') return;
  if (!img.reportedStarted || (img.taskArn === null && taskArn !== null)) {
    putImage(tx, i, { ...img, reportedStarted: true, taskArn: img.taskArn ?? taskArn });
  }
  flushBuildStop(tx, i);
};

/** Ends a build that is under way (or queued) once: its record, cost and the builds in flight; undefined when it had ended. */
const endBuild = (tx: Tx, i: number, end: Pick<ImageRecord, 'status'> & Partial<ImageRecord>, usage: TaskUsage | null): GraphImage | undefined => {
  const img = imageAt(tx, i);
  if (img === undefined || (img.status !== 'BUILDING' && img.status !== 'QUEUED')) return undefined;
  const cost = usageCost(tx, usage);
  putImage(tx, i, { ...img, ...end, finishedAt: tx.s.now, costUsd: cost.usd });
  inFlight(tx, { builds: -1 });
  addToTotals(tx, cost, 'builds');
  return tx.s.graph!.images[i]!;
};

export const buildSucceeded = (tx: Tx, i: number, imageUri: string, usage: TaskUsage | null): void => {
  const g = endBuild(tx, i, { status: 'BUILT', imageUri }, usage);
  if (g === undefined) return;
  const req = tx.s.request!;
  const files = req.plan.jobs.flatMap((j) => j.images).find((p) => p.key === g.key && p.files !== undefined)?.files ?? null;
  emit(tx, {
    _tag: 'RecordImage', runId: req.runId, key: g.key, imageUri, workflow: req.workflow.name, job: g.job, container: g.container,
    dockerfilePath: g.dockerfilePath, commit: req.commit, builtAt: tx.s.now, files,
  });
  for (const j of g.jobs) imageReadyForJob(tx, j);
};

export const buildFailed = (tx: Tx, i: number, reason: string, usage: TaskUsage | null): void => {
  const g = endBuild(tx, i, { status: 'FAILED', reason }, usage);
  if (g === undefined) return;
  for (const j of g.jobs) failJob(tx, j, `the image of container "${g.container}" (${g.dockerfilePath}) failed to build: ${reason}`);
};

const withImage = (tx: Tx, e: RunEvent, key: string, f: (i: number) => void): void => {
  const i = imageIndexOf(tx, key);
  if (i === undefined) diagnose(tx, 'UnknownImage', e, `no image ${key} in this run`);
  else f(i);
};

export const onImageBuildStarted = (tx: Tx, e: ImageBuildStarted): void =>
  withImage(tx, e, e.key, (i) => buildStarted(tx, i, e.taskArn));

export const onImageBuildSucceeded = (tx: Tx, e: ImageBuildSucceeded): void =>
  withImage(tx, e, e.key, (i) => buildSucceeded(tx, i, e.imageUri, e.usage));

export const onImageBuildFailed = (tx: Tx, e: ImageBuildFailed): void =>
  withImage(tx, e, e.key, (i) => buildFailed(tx, i, e.reason, e.usage));
