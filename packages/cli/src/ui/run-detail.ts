/**
 * A run as the web view draws it: core's `runDetail` — the same pure reading of the folded state
 * for this machine's runs and (through the API's `GET /runs/{id}/detail`) a deployment's — and,
 * for a deployment too old to have that route, what its run view alone gives (no edges, images
 * or times), with the page told why.
 */
import { fanOutCounts, runDetail, type ApiRunView, type DetailAttempt, type DetailImage, type DetailJob, type RunDetail } from '@hyperp/core/internal';
import type { RunState } from '@hyperp/core';

export type UiAttempt = DetailAttempt;
export type UiImage = DetailImage;
export type UiJob = DetailJob;

export interface UiRun extends RunDetail {
  /** False when the deployment's API gives no detail: no edges, images or times. */
  readonly detailed: boolean;
  /** Why not detailed, for the page to say. */
  readonly undetailed?: string;
  /** Set when the run has not ended and no process drives it any more. */
  readonly resumeWith?: string;
}

/** A local run, from its folded state. */
export const localRunDetail = (state: RunState, resumeWith: string | undefined): UiRun => ({
  ...runDetail(state), detailed: true, ...(resumeWith !== undefined ? { resumeWith } : {}),
});

/** A deployment's run from its API's detail (`GET /runs/{id}/detail`). */
export const remoteRunDetail = (detail: RunDetail): UiRun => ({ ...detail, detailed: true });

/** A run of a deployment without the detail route, from its run view: the graph shows the jobs only. */
export const undetailedRunDetail = (run: ApiRunView, why: string): UiRun => ({
  runId: run.runId, workflow: run.workflow, commit: run.commit, branch: run.branch, trigger: run.trigger, dirty: false,
  status: run.status, ended: run.finishedAt !== null, failure: run.failure, costUsd: run.costUsd, buildsUsd: run.cost.buildsUsd ?? 0,
  requestedAt: run.requestedAt === null ? null : Date.parse(run.requestedAt),
  finishedAt: run.finishedAt === null ? null : Date.parse(run.finishedAt), now: null,
  jobs: run.jobs.map((j) => {
    const attempts: UiAttempt[] = j.tasks.map((t) => ({
      index: t.index, attempt: t.attempt, status: t.status, exitCode: t.exitCode, reason: null,
      launchedAt: null, runningAt: null, stoppedAt: null, notBefore: null, durationSeconds: t.durationSeconds, costUsd: t.costUsd,
    }));
    const concurrency = Math.max(1, ...attempts.map((a) => a.index));
    return {
      name: j.name, status: j.status, reason: j.reason, dependsOn: [], concurrency, containers: [], counts: fanOutCounts(attempts, concurrency),
      costUsd: j.costUsd, startedAt: null, finishedAt: null, attempts, downloadable: j.downloadable !== null, critical: false,
    };
  }),
  images: [],
  detailed: false,
  undetailed: why,
});
