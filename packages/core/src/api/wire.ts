/**
 * What the hyperp API answers (docs/operations.md, "The API"): the one definition the Lambda
 * handler writes and the CLI's remote mode reads, so the two cannot drift. A run is core's
 * `RunView` (the shape `runs show --json` prints locally) with what only a deployment knows.
 */
import type { RunDetail } from '../run/detail.js';
import type { JobView, RunCostBasis, RunView, TaskAttemptView } from '../run/view.js';

export interface ApiRunSummary {
  readonly runId: string;
  readonly repo: string;
  readonly workflow: string;
  readonly branch: string;
  readonly commit: string;
  readonly trigger: string;
  readonly status: string;
  /** ISO 8601. */
  readonly requestedAt: string;
  /** Cost so far in US dollars (final once the run ended). */
  readonly costUsd?: number;
}

export interface ApiRunPage {
  readonly runs: readonly ApiRunSummary[];
  readonly cursor?: string;
}

export interface ApiTaskView extends TaskAttemptView {
  readonly taskArn: string | null;
}

export interface ApiJobView extends JobView {
  readonly reason: string | null;
  /** The job's zip, as `runs show --json` of a local run has it: a FAILED one says why. */
  readonly downloadable: { readonly status: string; readonly location: string | null; readonly bytes: number | null; readonly reason: string | null } | null;
  readonly tasks: readonly ApiTaskView[];
}

export interface ApiRunView extends RunView {
  readonly repo: string;
  readonly branch: string;
  readonly trigger: string;
  readonly requestedAt: string | null;
  readonly finishedAt: string | null;
  readonly failure: string | null;
  readonly logGroup: string;
  readonly cost: RunCostBasis;
  readonly jobs: readonly ApiJobView[];
  /** Events the run ignored (duplicates of finished work, unknown tasks…): see docs/architecture.md. */
  readonly ignoredEvents: number;
}

/**
 * `GET /runs/{runId}/detail`: the run as `hyperp ui` draws it — core's `runDetail` (edges, images,
 * attempt times, critical path) — with the run's repository, branch and trigger as the deployment
 * recorded them. A deployment before 2026-12 has no such route (404 "no route").
 */
export interface ApiRunDetail extends RunDetail {
  readonly repo: string;
}

export interface ApiLogPage {
  readonly logStream: string;
  readonly events: readonly { readonly at: number | null; readonly message: string }[];
  readonly nextToken: string | null;
}

/** A zip ready to download: a presigned URL, valid until `expiresAt` (epoch ms). */
export interface ApiDownloadLink {
  readonly status: 'ready';
  readonly url: string;
  /** Never more than the signing credentials have left: the URL dies with them. */
  readonly expiresInSeconds: number;
  readonly expiresAt: number;
  /** Zipped on request, rather than by the run. */
  readonly created: boolean;
}

/** The zip is being made (HTTP 202): ask again after `retryAfterSeconds`. */
export interface ApiDownloadPreparing {
  readonly status: 'preparing';
  readonly job: string;
  /** When this zip was started (epoch ms). */
  readonly startedAt: number;
  readonly retryAfterSeconds: number;
}

export type ApiDownloadAnswer = ApiDownloadLink | ApiDownloadPreparing;

export interface ApiCancelAnswer {
  readonly runId: string;
  readonly cancel: 'appended' | 'duplicate';
}

export interface ApiRerunAnswer {
  readonly runId: string;
  readonly from: string;
  readonly reused: readonly string[];
  /** How many jobs the new run has, the reused ones included (a deployment before 2026-12 leaves it out). */
  readonly jobs?: number;
  readonly appended: boolean;
}

export interface ApiStartAnswer {
  readonly accepted: boolean;
  /** The run the planner started (an older deployment answers before planning: readable a few seconds later). */
  readonly runId: string;
  readonly repo: string;
  readonly branch: string;
  readonly workflow: string;
  /** The commit it runs (absent from an older deployment). */
  readonly commit?: string;
}
