/** The listing summary of a run: core's summary of its state with the adapter's metadata. */
import { runSummaryView, type RunState } from '@hyperp/core';
import type { RunSummary } from '../store/run-listing.js';
import type { RunMeta } from './meta.js';

export const summaryOf = (meta: RunMeta, run: RunState, version: number, updatedAt: string): RunSummary => {
  const v = runSummaryView(run);
  return {
    runId: meta.runId,
    repo: meta.repo,
    workflow: meta.workflow,
    branch: meta.branch,
    commit: meta.commit,
    trigger: meta.trigger,
    status: v.status,
    requestedAt: new Date(v.requestedAt ?? 0).toISOString(),
    updatedAt,
    costUsd: v.costUsd,
    version,
  };
};
