/**
 * `RunRequested` opens the run: the graph is indexed once, reused jobs of a rerun start
 * SUCCEEDED, images the plan reuses are ready, the others queue for a build, the artifact
 * folders are asked for, jobs whose images all exist register at once, and the commit status
 * turns pending. A request that cannot run ends the run FAILED at once, and so does one that
 * lacks a field the reducer reads (the diagnostic names the field).
 */
import * as E from 'fp-ts/lib/Either.js';
import { buildAttemptKey, startedBy } from '../names/attempt.js';
import { imageUri } from '../names/images.js';
import { runArtifactDirectories, runFiles, runSecretFiles } from '../render/directories.js';
import type { RunRequested } from './events.js';
import { buildGraph } from './graph.js';
import { runRequestShapeProblem } from './request-shape.js';
import { registerJob } from './jobs.js';
import { enqueueLaunch } from './launch.js';
import { inFlight } from './records.js';
import { startedByInsert } from './started-by-index.js';
import { zeroJobCounts, zeroTaskCounts, type ImageRecord, type JobRecord, type JobStatus } from './state.js';
import { commitStatus } from './finish.js';
import { vecEmpty, vecFromArray } from './vector.js';
import { diagnose, emit, type Tx } from './tx.js';

export const onRunRequested = (tx: Tx, e: RunRequested): void => {
  if (tx.s.runId !== null) {
    if (tx.s.runId !== e.runId) diagnose(tx, 'SecondRunRequested', e, `this state holds run ${tx.s.runId}; run ${e.runId} ignored`);
    return;
  }
  const problem = runRequestShapeProblem(e);
  if (problem !== undefined) {
    // The embedder sees the reason in the diagnostics and, when the request names its run, in
    // the run's own failure; nothing is launched from a request the reducer cannot read.
    diagnose(tx, 'InvalidRequest', e, problem);
    if (typeof e.runId === 'string') {
      tx.s = { ...tx.s, runId: e.runId, requestedAt: e.at, status: 'FAILED', finishedAt: tx.s.now, failure: `the run cannot start: ${problem}` };
    }
    return;
  }
  const graph = buildGraph(e);
  tx.s = { ...tx.s, runId: e.runId, request: e, requestedAt: e.at };
  if (E.isLeft(graph)) {
    diagnose(tx, 'InvalidRequest', e, graph.left.join('; '));
    tx.s = { ...tx.s, status: 'FAILED', finishedAt: tx.s.now, failure: `the run cannot start: ${graph.left.join('; ')}` };
    commitStatus(tx);
    return;
  }
  const g = graph.right;
  tx.s = { ...tx.s, graph: g };
  const reused = new Map(e.reuse.map((r) => [r.job, r.runId]));
  const cancelled = tx.s.cancel !== null;

  // Images: reused ones are ready; the rest are built, if some job that runs here needs them.
  const needed = g.images.map((img) => img.jobs.some((j) => !reused.has(g.jobNames[j]!)));
  const images: ImageRecord[] = g.images.map((img, i) => {
    const attemptKey = buildAttemptKey({ runId: e.runId, imageKey: img.key, attempt: 1 });
    const status: ImageRecord['status'] = img.action === 'reuse' ? 'REUSED' : needed[i] && !cancelled ? 'QUEUED' : 'UNUSED';
    return {
      key: img.key, attemptKey, startedBy: startedBy(attemptKey), status,
      imageUri: imageUri(e.settings.render.imageRepository, img.key), taskArn: null, startedAt: null,
      reportedStarted: false, finishedAt: null, reason: null, stopReason: null, stopSent: false, costUsd: 0,
    };
  });
  const ready = (i: number): boolean => images[i]!.status === 'REUSED';

  const jobCounts: Record<JobStatus, number> = { ...zeroJobCounts };
  const jobs: JobRecord[] = e.workflow.jobs.map((spec, j) => {
    const from = reused.get(spec.name);
    const imagesWaiting = g.jobImages[j]!.filter((i) => !ready(i)).length;
    const depsWaiting = g.deps[j]!.filter((d) => !reused.has(g.jobNames[d]!)).length;
    const status: JobStatus = from !== undefined ? 'SUCCEEDED'
      : cancelled ? 'SKIPPED'
      : imagesWaiting > 0 ? 'BUILDING' : depsWaiting > 0 ? 'PENDING' : 'READY';
    jobCounts[status] += 1;
    return {
      name: spec.name, status,
      reason: from !== undefined ? `reused from run ${from}` : cancelled ? `cancelled: ${tx.s.cancel!.reason}` : null,
      imagesWaiting, depsWaiting, registration: 'NONE', taskDefinitionArn: null, otherTaskDefinitionArns: [],
      tasks: vecEmpty(), taskCounts: zeroTaskCounts,
      startedAt: null, finishedAt: from !== undefined || cancelled ? e.at : null,
      costUsd: 0, outputRunId: from ?? e.runId, downloadable: null,
    };
  });
  tx.s = { ...tx.s, jobs: vecFromArray(jobs), jobCounts, images: vecFromArray(images) };
  if (cancelled) return; // the run ends CANCELLED when the reduction settles

  images.forEach((img, i) => {
    tx.s = { ...tx.s, startedByIndex: startedByInsert(tx.s.startedByIndex, img.startedBy, { kind: 'build', image: i }) };
    if (img.status === 'QUEUED') {
      inFlight(tx, { builds: 1 });
      enqueueLaunch(tx, { kind: 'build', image: i });
    }
  });
  commitStatus(tx);
  const files = runFiles(e.workflow, e.commit, e.runId, e.inputs);
  const secrets = e.settings.render.secretsOnEfs === true ? runSecretFiles(e.workflow, e.commit, e.runId, e.reuse) : { paths: [], secrets: [] };
  emit(tx, {
    _tag: 'EnsureDirectories', runId: e.runId, paths: [...runArtifactDirectories(e.workflow, e.commit, e.runId), ...secrets.paths],
    ...(files.length > 0 ? { files } : {}), ...(secrets.secrets.length > 0 ? { secrets: secrets.secrets } : {}),
  });
  jobs.forEach((job, j) => {
    if (job.status === 'READY' || job.status === 'PENDING') registerJob(tx, j);
  });
};
