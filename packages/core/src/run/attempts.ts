/**
 * The end of a task attempt: its cost is added, then it either succeeds (the job succeeds with
 * its last task), is cancelled, or fails — and a failed attempt is retried after an exponential
 * back-off while the job has attempts left, else the job fails.
 */
import * as E from 'fp-ts/lib/Either.js';
import { fromNanos, taskCost, toNanos } from '../cost/task.js';
import type { TaskUsage } from './events.js';
import { jobSucceeded, failJob } from './jobs.js';
import { newAttempt } from './launch.js';
import { inFlight, jobAt, putJob, putTask, taskAt } from './records.js';
import type { AttemptRecord, RunTotals } from './state.js';
import { addTimer } from './timers.js';
import type { Tx } from './tx.js';

/** Adds USD amounts exactly: both are whole nanodollars (see `cost/task.ts`). */
export const addUsd = (a: number, b: number): number => fromNanos(toNanos(a) + toNanos(b));

export interface UsageCost {
  readonly usd: number;
  readonly vcpuSeconds: number;
  readonly gbSeconds: number;
}

/** Fargate cost of a stopped task or build; zero when the size has no Fargate price (local sizes). */
export const usageCost = (tx: Tx, u: TaskUsage | null): UsageCost => {
  if (u === null) return { usd: 0, vcpuSeconds: 0, gbSeconds: 0 };
  const settings = tx.s.request!.settings;
  const c = taskCost(
    { cpu: u.cpu, memory: u.memory, arch: u.arch, ephemeralGb: u.ephemeralStorageGiB, region: settings.priceRegion, capacity: settings.spot ? 'spot' : 'on-demand' },
    { pullStartedAt: u.pullStartedAt, startedAt: u.startedAt === undefined ? u.pullStartedAt : u.startedAt, stoppedAt: u.stoppedAt },
  );
  return !c.ok
    ? { usd: 0, vcpuSeconds: 0, gbSeconds: 0 }
    : { usd: c.value.usd, vcpuSeconds: c.value.billedSeconds * c.value.vcpu, gbSeconds: c.value.billedSeconds * c.value.memoryGb };
};

export const addToTotals = (tx: Tx, c: UsageCost, kind: 'tasks' | 'builds'): void => {
  const t = tx.s.cost;
  const next: RunTotals = {
    tasksUsd: kind === 'tasks' ? addUsd(t.tasksUsd, c.usd) : t.tasksUsd,
    buildsUsd: kind === 'builds' ? addUsd(t.buildsUsd, c.usd) : t.buildsUsd,
    totalUsd: addUsd(t.totalUsd, c.usd),
    vcpuSeconds: t.vcpuSeconds + c.vcpuSeconds,
    gbSeconds: t.gbSeconds + c.gbSeconds,
  };
  tx.s = { ...tx.s, cost: next };
};

/** Seconds to wait before attempt `failed + 1`. */
export const backoffSeconds = (tx: Tx, failed: number): number => {
  const b = tx.s.request!.settings.retryBackoff;
  return Math.min(b.maxSeconds, b.baseSeconds * b.factor ** (failed - 1));
};

export interface AttemptEnd {
  readonly outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  readonly reason: string | null;
  /** Fields the ending event adds to the attempt (times, exit codes, usage). */
  readonly update: Partial<AttemptRecord>;
}

/** Ends attempt `attempt` of task `index` of job `j`; a second end of the same attempt changes nothing. */
export const endAttempt = (tx: Tx, j: number, index: number, attempt: number, end: AttemptEnd): void => {
  const t = taskAt(tx, j, index);
  const a = t?.attempts[attempt - 1];
  if (t === undefined || a === undefined || a.outcome !== null) return;
  const cost = usageCost(tx, end.update.usage ?? null);
  const ended: AttemptRecord = { ...a, ...end.update, outcome: end.outcome, reason: end.reason, costUsd: cost.usd };
  if (a.launchedAt !== null) inFlight(tx, { tasks: -1 });
  const job = jobAt(tx, j)!;
  putJob(tx, j, { ...job, costUsd: addUsd(job.costUsd, cost.usd) });
  addToTotals(tx, cost, 'tasks');
  const attempts = t.attempts.map((x) => (x.attempt === attempt ? ended : x));
  const spec = tx.s.request!.workflow.jobs[j]!;

  if (end.outcome === 'SUCCEEDED') {
    putTask(tx, j, { ...t, attempts, status: 'SUCCEEDED' });
    const after = jobAt(tx, j)!;
    if (after.taskCounts.SUCCEEDED === spec.concurrency) jobSucceeded(tx, j);
    return;
  }
  if (end.outcome === 'CANCELLED') {
    putTask(tx, j, { ...t, attempts, status: 'CANCELLED' });
    return;
  }
  const mayRetry = job.status === 'RUNNING' && tx.s.cancel === null && !tx.s.stopping && attempt <= spec.retries;
  if (mayRetry) {
    const notBefore = tx.s.now + backoffSeconds(tx, attempt) * 1000;
    const next = newAttempt(tx, j, index, attempt + 1, notBefore);
    putTask(tx, j, { ...t, attempts: [...attempts, next], status: 'BACKOFF' });
    addTimer(tx, { at: notBefore, kind: 'retry', ref: { kind: 'task', job: j, index, attempt: attempt + 1 } });
    return;
  }
  putTask(tx, j, { ...t, attempts, status: 'FAILED' });
  const tries = attempt === 1 ? '' : ` (attempt ${attempt} of ${spec.retries + 1})`;
  failJob(tx, j, `task ${index}${tries}: ${end.reason ?? 'failed'}`);
};

