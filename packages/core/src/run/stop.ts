/**
 * Stopping: one task of a job (its job failed), or everything (cancel, `failFast`). A task not
 * yet launched is simply cancelled; a launched one gets a `StopTask` as soon as its ARN is known
 * (at once, or when the launch is accepted) and ends when its STOPPED state arrives.
 */
import { currentAttempt, imageAt, inFlight, jobAt, putAttempt, putImage, setJobStatus, taskAt } from './records.js';
import type { ImageRecord } from './state.js';
import { isTerminalJob } from './state.js';
import { vecToArray } from './vector.js';
import { emit, runIdOf, type Tx } from './tx.js';

/** Sends the pending `StopTask` of an attempt once its task ARN is known. */
export const flushAttemptStop = (tx: Tx, j: number, index: number): void => {
  const t = taskAt(tx, j, index);
  if (t === undefined) return;
  const a = currentAttempt(t);
  if (a.stopReason === null || a.stopSent || a.taskArn === null || a.outcome !== null) return;
  putAttempt(tx, j, index, { ...a, stopSent: true });
  emit(tx, { _tag: 'StopTask', runId: runIdOf(tx), attemptKey: a.attemptKey, startedBy: a.startedBy, taskArn: a.taskArn, reason: a.stopReason });
};

/** Stops (or cancels, if not launched) the current attempt of one task. */
export const stopTask = (tx: Tx, j: number, index: number, reason: string): void => {
  const t = taskAt(tx, j, index);
  if (t === undefined) return;
  const a = currentAttempt(t);
  switch (t.status) {
    case 'WAITING':
    case 'QUEUED':
    case 'BACKOFF':
      putAttempt(tx, j, index, { ...a, outcome: 'CANCELLED', reason }, 'CANCELLED');
      return;
    case 'LAUNCHING':
    case 'STARTING':
    case 'RUNNING':
      if (a.stopReason === null) putAttempt(tx, j, index, { ...a, stopReason: reason });
      flushAttemptStop(tx, j, index);
      return;
    default:
      return;
  }
};

export const stopJobTasks = (tx: Tx, j: number, reason: string): void => {
  const job = jobAt(tx, j);
  if (job === undefined) return;
  for (let index = 1; index <= job.tasks.size; index++) stopTask(tx, j, index, reason);
};

/** Sends the pending `StopTask` of a build once the engine reported it started. */
export const flushBuildStop = (tx: Tx, i: number): void => {
  const img = imageAt(tx, i);
  if (img === undefined || img.status !== 'BUILDING' || img.stopReason === null || img.stopSent || !img.reportedStarted) return;
  putImage(tx, i, { ...img, stopSent: true });
  emit(tx, { _tag: 'StopTask', runId: runIdOf(tx), attemptKey: img.attemptKey, startedBy: img.startedBy, taskArn: img.taskArn, reason: img.stopReason });
};

/** A queued build is dropped; a running one is stopped. */
export const stopBuild = (tx: Tx, i: number, reason: string): void => {
  const img = imageAt(tx, i);
  if (img === undefined) return;
  if (img.status === 'QUEUED') {
    putImage(tx, i, { ...img, status: 'UNUSED', reason, finishedAt: tx.s.now } satisfies ImageRecord);
    inFlight(tx, { builds: -1 });
  } else if (img.status === 'BUILDING' && img.stopReason === null) {
    putImage(tx, i, { ...img, stopReason: reason });
    flushBuildStop(tx, i);
  }
};

/**
 * Cancel and `failFast`: running jobs end CANCELLED (their tasks stopped), jobs not started end
 * SKIPPED, builds stop. Runs once per run, so its walk over every job is not per-event work.
 */
export const stopEverything = (tx: Tx, reason: string): void => {
  tx.s = { ...tx.s, stopping: true };
  const jobs = vecToArray(tx.s.jobs);
  jobs.forEach((job, j) => {
    if (isTerminalJob(job.status)) return;
    if (job.status === 'RUNNING') {
      setJobStatus(tx, j, 'CANCELLED', reason, { finishedAt: tx.s.now });
      stopJobTasks(tx, j, reason);
    } else {
      setJobStatus(tx, j, 'SKIPPED', reason, { finishedAt: tx.s.now });
    }
  });
  for (let i = 0; i < tx.s.images.size; i++) stopBuild(tx, i, reason);
};
