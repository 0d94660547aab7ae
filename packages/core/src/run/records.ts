/**
 * Reading and replacing one job, task, attempt or image inside a `Tx`. Every status change goes
 * through here, and the counters (jobs per status, tasks per status) move only when a record's
 * status really changes: a duplicate event finds the record already changed and moves nothing.
 */
import type { RunEvent } from './events.js';
import { diagnose, type Tx } from './tx.js';
import type { AttemptRecord, ImageRecord, JobRecord, JobStatus, TaskRecord, TaskStatus } from './state.js';
import { vecGet, vecSet } from './vector.js';
import { jobNamed } from './lookup.js';

export const jobAt = (tx: Tx, j: number): JobRecord | undefined => vecGet(tx.s.jobs, j);

/** The job an event names, with its index; a diagnostic when the run has no such job. */
export const knownJob = (tx: Tx, e: RunEvent, name: string): { readonly j: number; readonly job: JobRecord } | undefined => {
  const found = jobNamed(tx.s, name);
  if (found === undefined) diagnose(tx, 'UnknownJob', e, `no job "${name}" in this run`);
  return found;
};

export const putJob = (tx: Tx, j: number, next: JobRecord): void => {
  const old = vecGet(tx.s.jobs, j);
  if (old === undefined || old === next) return;
  const jobCounts = old.status === next.status
    ? tx.s.jobCounts
    : { ...tx.s.jobCounts, [old.status]: tx.s.jobCounts[old.status] - 1, [next.status]: tx.s.jobCounts[next.status] + 1 };
  tx.s = { ...tx.s, jobs: vecSet(tx.s.jobs, j, next), jobCounts };
};

export const setJobStatus = (
  tx: Tx, j: number, status: JobStatus, reason: string | null, extra: Partial<JobRecord> = {},
): void => {
  const job = jobAt(tx, j);
  if (job !== undefined) putJob(tx, j, { ...job, ...extra, status, reason: reason ?? job.reason });
};

export const taskAt = (tx: Tx, j: number, index: number): TaskRecord | undefined => {
  const job = jobAt(tx, j);
  return job === undefined ? undefined : vecGet(job.tasks, index - 1);
};

export const currentAttempt = (t: TaskRecord): AttemptRecord => t.attempts[t.attempts.length - 1]!;

export const putTask = (tx: Tx, j: number, next: TaskRecord): void => {
  const job = jobAt(tx, j);
  const old = job === undefined ? undefined : vecGet(job.tasks, next.index - 1);
  if (job === undefined || old === undefined || old === next) return;
  const taskCounts = old.status === next.status
    ? job.taskCounts
    : { ...job.taskCounts, [old.status]: job.taskCounts[old.status] - 1, [next.status]: job.taskCounts[next.status] + 1 };
  putJob(tx, j, { ...job, tasks: vecSet(job.tasks, next.index - 1, next), taskCounts });
};

/** Replaces attempt `a.attempt` of a task (and optionally its status). */
export const putAttempt = (tx: Tx, j: number, index: number, a: AttemptRecord, status?: TaskStatus): void => {
  const t = taskAt(tx, j, index);
  if (t === undefined) return;
  const attempts = t.attempts.map((x) => (x.attempt === a.attempt ? a : x));
  putTask(tx, j, { ...t, attempts, status: status ?? t.status });
};

export const imageAt = (tx: Tx, i: number): ImageRecord | undefined => vecGet(tx.s.images, i);

export const putImage = (tx: Tx, i: number, next: ImageRecord): void => {
  if (vecGet(tx.s.images, i) !== undefined) tx.s = { ...tx.s, images: vecSet(tx.s.images, i, next) };
};

export const inFlight = (tx: Tx, delta: Partial<Record<'tasks' | 'builds' | 'downloads', number>>): void => {
  const f = tx.s.inFlight;
  tx.s = {
    ...tx.s,
    inFlight: {
      tasks: f.tasks + (delta.tasks ?? 0),
      builds: f.builds + (delta.builds ?? 0),
      downloads: f.downloads + (delta.downloads ?? 0),
    },
  };
};
