/** `runs list`, `runs show` and `cost RUN` against the API, printed as the local commands print them. */
import { runCostView } from '@hyperp/core';
import { unknownWorkflowName } from '@hyperp/core/internal';
import { CliError, ExitCode, UsageError, type CliContext } from '../context.js';
import { formatCost, formatRunView, type RunNotes } from '../views/run-text.js';
import { listLine } from '../views/list-line.js';
import type { ApiClient } from './client.js';
import { remoteRepo } from './repo.js';
import { remoteRunId } from './run-id.js';
import type { ApiRunView, ApiRunSummary } from '@hyperp/core/internal';

export interface RemoteListOptions {
  readonly repo?: string;
  readonly workflow?: string;
  readonly branch?: string;
  readonly commit?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

const PAGE = 100;

export const remoteRunsList = async (ctx: CliContext, api: ApiClient, o: RemoteListOptions): Promise<number> => {
  const filters = (['workflow', 'branch', 'commit'] as const).filter((k) => o[k] !== undefined);
  if (filters.length > 1) throw new UsageError(`the API lists by one of --workflow, --branch or --commit at a time, not ${filters.map((f) => `--${f}`).join(' and ')}`);
  const limit = o.limit === undefined ? 20 : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number of 1 or more, not "${o.limit}"`);
  const repo = remoteRepo(ctx, o.repo);
  const runs: ApiRunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listRuns({
      repo, ...(o.workflow ? { workflow: o.workflow } : {}), ...(o.branch ? { branch: o.branch } : {}), ...(o.commit ? { commit: o.commit } : {}),
      limit: Math.min(PAGE, limit - runs.length), ...(cursor ? { cursor } : {}),
    });
    runs.push(...page.runs);
    cursor = page.cursor;
  } while (cursor !== undefined && runs.length < limit);
  if (o.workflow !== undefined && runs.length === 0) {
    // Names match exactly, as locally: a near miss ("calculator" for "Calculator") is said, not listed as nothing.
    const names = [...new Set((await api.listRuns({ repo, limit: PAGE })).runs.map((r) => r.workflow))].sort();
    if (!names.includes(o.workflow)) throw new CliError(unknownWorkflowName(o.workflow, names, `workflows of the newest runs of ${repo}`));
  }
  // The API pages newest first; like the local listing, print oldest first (the newest last, by the prompt).
  const rows = runs.reverse().map((r) => ({
    runId: r.runId, workflow: r.workflow, commit: r.commit, status: r.status, costUsd: r.costUsd ?? 0, requestedAt: r.requestedAt,
    repo: r.repo, branch: r.branch, trigger: r.trigger,
  }));
  if (o.json) ctx.out(JSON.stringify({ runs: rows }, null, 2) + '\n');
  else if (rows.length === 0) ctx.out(`no runs of ${repo} on ${api.url}\n`);
  else for (const r of rows) ctx.out(listLine(r));
  return ExitCode.ok;
};

export const remoteRunsShow = async (ctx: CliContext, api: ApiClient, given: string, o: { repo?: string; json?: boolean }): Promise<number> => {
  const run = await api.getRun(await remoteRunId(ctx, api, given, o.repo));
  if (o.json) ctx.out(JSON.stringify(run, null, 2) + '\n');
  else printRemoteRun(ctx, run, false);
  return ExitCode.ok;
};

/** The API's run says why each job failed, was skipped or cancelled, as the local run state does. */
export const remoteNotesOf = (run: ApiRunView): RunNotes => ({
  failure: run.failure,
  dirty: false,
  jobReasons: run.jobs.map((j) => j.reason),
  downloadables: run.jobs.map((j) => j.downloadable),
  ended: run.finishedAt !== null,
});

/** A run as `runs show` prints it; `--json` of a command that waited: `{"runs": [run]}`, as `hyperp run --json`. */
export const printRemoteRun = (ctx: CliContext, run: ApiRunView, json: boolean): void => {
  if (json) {
    ctx.out(JSON.stringify({ runs: [run] }, null, 2) + '\n');
    return;
  }
  ctx.out(formatRunView(run, remoteNotesOf(run)));
  ctx.out(`${run.repo} ${run.branch}, ${run.trigger}; logs: hyperp logs ${run.runId} JOB; cost: hyperp cost ${run.runId}\n`);
};

export const remoteCost = async (ctx: CliContext, api: ApiClient, given: string, o: { repo?: string; json?: boolean }): Promise<number> => {
  const run = await api.getRun(await remoteRunId(ctx, api, given, o.repo));
  const report = runCostView(run, run.cost);
  ctx.out(o.json ? JSON.stringify(report, null, 2) + '\n' : formatCost(report, run.workflow, 'image builds'));
  return ExitCode.ok;
};
