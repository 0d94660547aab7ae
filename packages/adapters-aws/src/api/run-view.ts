/** What `hyperp runs show` prints: a run's summary and its jobs, read from the state item. */
import { vecToArray, type RunState } from '@hyperp/core';
import type { RunMeta } from '../run/meta.js';

export interface RunView {
  readonly runId: string;
  readonly repo: string;
  readonly workflow: string;
  readonly branch: string;
  readonly commit: string;
  readonly trigger: string;
  readonly status: string;
  readonly requestedAt: number | null;
  readonly finishedAt: number | null;
  readonly failure: string | null;
  readonly costUsd: number;
  readonly jobs: readonly {
    readonly name: string;
    readonly status: string;
    readonly reason: string | null;
    readonly costUsd: number;
    readonly tasks: readonly { readonly index: number; readonly status: string; readonly attempts: number; readonly taskArn: string | null }[];
    readonly downloadable: { readonly status: string; readonly location: string | null } | null;
  }[];
  readonly ignoredEvents: number;
}

export const runView = (meta: RunMeta, run: RunState): RunView => ({
  runId: meta.runId,
  repo: meta.repo,
  workflow: meta.workflow,
  branch: meta.branch,
  commit: meta.commit,
  trigger: meta.trigger,
  status: run.status,
  requestedAt: run.requestedAt,
  finishedAt: run.finishedAt,
  failure: run.failure,
  costUsd: run.cost.totalUsd,
  jobs: vecToArray(run.jobs).map((j) => ({
    name: j.name,
    status: j.status,
    reason: j.reason,
    costUsd: j.costUsd,
    tasks: vecToArray(j.tasks).map((t) => ({
      index: t.index,
      status: t.status,
      attempts: t.attempts.length,
      taskArn: t.attempts[t.attempts.length - 1]?.taskArn ?? null,
    })),
    downloadable: j.downloadable ? { status: j.downloadable.status, location: j.downloadable.location } : null,
  })),
  ignoredEvents: run.diagnostics.ignored,
});
