/** The listing summary of a run, from its state and the adapter's metadata. */
import type { RunState } from '@hyperp/core';
import type { RunSummary } from '../store/run-listing.js';
import type { RunMeta } from './meta.js';

export const summaryOf = (meta: RunMeta, run: RunState, version: number, updatedAt: string): RunSummary => ({
  runId: meta.runId,
  repo: meta.repo,
  workflow: meta.workflow,
  branch: meta.branch,
  commit: meta.commit,
  trigger: meta.trigger,
  status: run.status,
  requestedAt: new Date(run.requestedAt ?? 0).toISOString(),
  updatedAt,
  costUsd: run.cost.totalUsd,
  version,
});
