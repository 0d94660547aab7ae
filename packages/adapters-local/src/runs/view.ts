/**
 * A local run as the CLI shows it (`run --json`, `runs show --json`): core's view of the state,
 * with the job folders under the local artifact store and the log files of the local layout, and
 * each job's downloadable zip — whose failure, after the job SUCCEEDED, must not go unseen.
 */
import { join } from 'node:path';
import { isTerminalRun, runSummaryView, runView as coreRunView, vecToArray, type JobView, type RunState, type RunView, type ViewPlaces } from '@hyperp/core';
import type { LocalLayout } from '../layout.js';
import { taskLogFile } from '../task-log.js';
import type { RunSummary } from './summary-file.js';

export type { JobView, RunView } from '@hyperp/core';

/** A downloadable job's zip: PENDING until made, READY with where and how big, or FAILED and why. */
export interface DownloadableView {
  readonly status: 'PENDING' | 'READY' | 'FAILED';
  readonly location: string | null;
  readonly bytes: number | null;
  readonly reason: string | null;
}

export interface LocalJobView extends JobView {
  /** null for a job that is not downloadable, or has not succeeded. */
  readonly downloadable: DownloadableView | null;
}

export interface LocalRunView extends RunView {
  readonly jobs: readonly LocalJobView[];
}

export const localPlaces = (layout: LocalLayout, runId: string): ViewPlaces => ({
  outputDir: (artifactPath) => join(layout.artifactsDir, artifactPath),
  logFile: (job, index, a) => taskLogFile(layout, runId, job, index, a.attempt),
});

export const runView = (state: RunState, layout: LocalLayout): LocalRunView => {
  const v = coreRunView(state, localPlaces(layout, state.runId ?? ''));
  const records = vecToArray(state.jobs);
  return { ...v, jobs: v.jobs.map((j, i) => ({ ...j, downloadable: records[i]?.downloadable ?? null })) };
};

/**
 * What a run that ended did not deliver although its jobs succeeded: zips that failed, or that
 * were never made (hyperp stopped first; `hyperp resume` makes them). Empty while the run goes on.
 */
export const undelivered = (state: RunState): string[] => {
  if (!isTerminalRun(state.status)) return [];
  return vecToArray(state.jobs).flatMap((j) =>
    j.downloadable?.status === 'FAILED' ? [`the zip of job "${j.name}" failed: ${j.downloadable.reason ?? 'no reason given'}`]
      : j.downloadable?.status === 'PENDING' ? [`the zip of job "${j.name}" was not made (hyperp stopped first; hyperp resume makes it)`]
        : []);
};

/** What `runs list` shows of the run (see summary-file.ts), from its state and its log's damaged lines. */
export const runSummaryOf = (runId: string, state: RunState, damagedLines: readonly number[]): RunSummary => {
  const v = runSummaryView(state);
  return {
    runId, workflow: v.workflow, commit: v.commit, branch: state.request?.branch ?? '', status: v.status, ended: isTerminalRun(state.status),
    requested: state.request !== null, costUsd: v.costUsd, requestedAt: v.requestedAt, finishedAt: v.finishedAt, damagedLines: [...damagedLines],
  };
};
