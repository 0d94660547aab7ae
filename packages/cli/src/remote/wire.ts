/**
 * What the hyperp API answers (docs/operations.md, "The API"), as far as the CLI reads it. The run
 * is core's `RunView` — the shape `runs show --json` prints locally — with the API's extra fields.
 */
import type { JobView, RunCostBasis, RunView, TaskAttemptView } from '@hyperp/core';

export interface RemoteRunSummary {
  readonly runId: string;
  readonly repo: string;
  readonly workflow: string;
  readonly branch: string;
  readonly commit: string;
  readonly trigger: string;
  readonly status: string;
  /** ISO 8601. */
  readonly requestedAt: string;
  readonly costUsd?: number;
}

export interface RunPage {
  readonly runs: readonly RemoteRunSummary[];
  readonly cursor?: string;
}

export interface RemoteTask extends TaskAttemptView {
  readonly taskArn: string | null;
}

export interface RemoteJob extends JobView {
  readonly reason: string | null;
  readonly downloadable: { readonly status: string; readonly location: string | null } | null;
  readonly tasks: readonly RemoteTask[];
}

export interface RemoteRun extends RunView {
  readonly repo: string;
  readonly branch: string;
  readonly trigger: string;
  readonly requestedAt: string | null;
  readonly finishedAt: string | null;
  readonly failure: string | null;
  readonly logGroup: string;
  readonly cost: RunCostBasis;
  readonly jobs: readonly RemoteJob[];
}

export interface LogPage {
  readonly logStream: string;
  readonly events: readonly { readonly at: number | null; readonly message: string }[];
  readonly nextToken: string | null;
}

export interface DownloadLink {
  readonly url: string;
  readonly expiresInSeconds: number;
  readonly created: boolean;
}

export interface CancelAnswer {
  readonly runId: string;
  readonly cancel: 'appended' | 'duplicate';
}

export interface RerunAnswer {
  readonly runId: string;
  readonly from: string;
  readonly reused: readonly string[];
  readonly appended: boolean;
}

export interface StartAnswer {
  readonly accepted: boolean;
  /** The run the planner starts (readable once it is planned, a few seconds later). */
  readonly runId: string;
  readonly repo: string;
  readonly branch: string;
  readonly workflow: string;
}
