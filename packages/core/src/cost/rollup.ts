/**
 * Cost rollups: per job, per run, with image builds apart (a build serves every job whose
 * container has that image key, so it belongs to the run, not to one job). Sums are kept in
 * whole nanodollars, so a rollup is the same whatever order its items arrive in.
 */
import { fromNanos, toNanos } from './task.js';

/** One cost to roll up: a task attempt or an image build of a job, or the run's EFS storage. */
export type CostItem =
  | { readonly kind: 'task'; readonly job: string; readonly usd: number; readonly billedSeconds: number }
  | { readonly kind: 'build'; readonly imageKey: string; readonly usd: number; readonly billedSeconds: number }
  | { readonly kind: 'storage'; readonly usd: number }
  /** Downloadable zips, the platform's own Lambda and DynamoDB use: counted in the run's total. */
  | { readonly kind: 'other'; readonly what: string; readonly usd: number };

/** The cost of one job: its tasks, its image builds and the total. */
export interface JobCost {
  readonly usd: number;
  readonly tasks: number;
  readonly billedSeconds: number;
}

/** The cost of a run: per job, builds and storage, and the total. */
export interface RunCost {
  readonly usd: number;
  readonly jobs: Readonly<Record<string, JobCost>>;
  readonly tasksUsd: number;
  readonly builds: { readonly usd: number; readonly count: number; readonly billedSeconds: number };
  readonly storageUsd: number;
  readonly otherUsd: number;
}

/** Sums task, build and storage costs per job and for the run, in whole nanodollars (no rounding drift). */
export const rollupCosts = (items: readonly CostItem[]): RunCost => {
  const jobs = new Map<string, { nanos: number; tasks: number; billedSeconds: number }>();
  let tasks = 0, builds = 0, buildCount = 0, buildSeconds = 0, storage = 0, other = 0;
  for (const item of items) {
    const n = toNanos(item.usd);
    switch (item.kind) {
      case 'task': {
        const j = jobs.get(item.job) ?? { nanos: 0, tasks: 0, billedSeconds: 0 };
        jobs.set(item.job, { nanos: j.nanos + n, tasks: j.tasks + 1, billedSeconds: j.billedSeconds + item.billedSeconds });
        tasks += n;
        break;
      }
      case 'build':
        builds += n;
        buildCount += 1;
        buildSeconds += item.billedSeconds;
        break;
      case 'storage':
        storage += n;
        break;
      case 'other':
        other += n;
        break;
    }
  }
  const byJob: Record<string, JobCost> = Object.fromEntries([...jobs.keys()].sort().map((name) => {
    const j = jobs.get(name)!;
    return [name, { usd: fromNanos(j.nanos), tasks: j.tasks, billedSeconds: j.billedSeconds }];
  }));
  return {
    usd: fromNanos(tasks + builds + storage + other),
    jobs: byJob,
    tasksUsd: fromNanos(tasks),
    builds: { usd: fromNanos(builds), count: buildCount, billedSeconds: buildSeconds },
    storageUsd: fromNanos(storage),
    otherUsd: fromNanos(other),
  };
};
