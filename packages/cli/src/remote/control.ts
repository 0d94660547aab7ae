/**
 * Requests that change runs on a deployment: cancel, rerun and a manual start. Each carries a
 * fresh request id, which makes the API treat a retried request as the same one.
 */
import { randomUUID } from 'node:crypto';
import { runningJobsText } from '@hyperp/core';
import type { ApiRerunAnswer } from '@hyperp/core/internal';
import { CANCEL_REASON } from '../cancel-reason.js';
import { ExitCode, UsageError, type CliContext } from '../context.js';
import type { ApiClient } from './client.js';
import { remoteRepo } from './repo.js';
import { remoteRunId } from './run-id.js';
import { printRemoteRun } from './runs.js';
import { waitForEnd } from './wait.js';
import { terminalSafe } from '../views/terminal-text.js';
import { parseInputs } from '../local/inputs.js';

export const remoteCancel = async (ctx: CliContext, api: ApiClient, given: string, o: { repo?: string }): Promise<number> => {
  const runId = await remoteRunId(ctx, api, given, o.repo);
  const r = await api.cancel(runId, { requestId: randomUUID(), reason: CANCEL_REASON });
  ctx.out(`cancel requested; hyperp is stopping run ${r.runId} (hyperp runs show ${r.runId} shows its end)\n`);
  return ExitCode.ok;
};

export interface RemoteRerunOptions {
  readonly repo?: string;
  readonly failed?: boolean;
  readonly json?: boolean;
  /** Wait for the new run to end and print it as a local rerun does. */
  readonly wait?: boolean;
  readonly pollMs: number;
}

/** What a rerun runs, as a local rerun says it: `running 2 jobs, reusing 2` (an older deployment does not say how many jobs). */
const rerunText = (r: ApiRerunAnswer, failed: boolean | undefined): string =>
  `rerun of ${r.from}${failed ? ' (failed jobs only)' : ''}: ${typeof r.jobs === 'number' ? runningJobsText(r.jobs, r.reused.length) : `reusing ${r.reused.length}`}`;

export const remoteRerun = async (ctx: CliContext, api: ApiClient, given: string, o: RemoteRerunOptions): Promise<number> => {
  const from = await remoteRunId(ctx, api, given, o.repo);
  const r = await api.rerun(from, { requestId: randomUUID(), failedOnly: o.failed === true });
  if (o.wait) {
    if (!o.json) ctx.err(`run ${r.runId}: ${rerunText(r, o.failed)}\n`);
    const run = await waitForEnd(ctx, api, r.runId, { pollMs: o.pollMs, quiet: o.json === true });
    printRemoteRun(ctx, run, o.json === true);
    return run.status === 'SUCCEEDED' ? ExitCode.ok : ExitCode.failed;
  }
  if (o.json) {
    ctx.out(JSON.stringify({ runId: r.runId, from: r.from, reused: r.reused }, null, 2) + '\n');
    return ExitCode.ok;
  }
  ctx.out(`run ${r.runId}: ${rerunText(r, o.failed)}\n`);
  if (r.reused.length > 0) ctx.out(`reuses the outputs of ${r.reused.map((j) => `"${terminalSafe(j)}"`).join(', ')}\n`);
  ctx.out(`follow it: hyperp runs show ${r.runId}\n`);
  return ExitCode.ok;
};

export interface RemoteStartOptions {
  readonly repo?: string;
  readonly workflow: readonly string[];
  readonly branch?: string;
  readonly commit?: string;
  readonly json?: boolean;
  /** Wait for the run to end and print it as a local run does. */
  readonly wait?: boolean;
  readonly pollMs: number;
  /** `--input name=value`s: the planner checks them against the workflow's declaration. */
  readonly input?: readonly string[];
}

/**
 * How long a started run may stay unreadable before `--wait` gives up: a deployment answers once
 * the run is planned, but an older one answers first and plans after (the planner reads GitHub).
 */
const PLANNED_WITHIN_MS = 5 * 60_000;

export const remoteStart = async (ctx: CliContext, api: ApiClient, o: RemoteStartOptions): Promise<number> => {
  if (o.workflow.length !== 1) throw new UsageError('run --remote starts one workflow: give --workflow NAME once');
  if (!o.branch) throw new UsageError('run --remote needs --branch (the branch whose head, or --commit, runs)');
  const repo = remoteRepo(ctx, o.repo);
  const workflow = o.workflow[0]!;
  // With the request's time, the API derives the run id from the request alone: a retry names the same run.
  const requestId = randomUUID();
  const inputs = parseInputs(o.input);
  const r = await api.startRun({
    repo, branch: o.branch, workflow, requestId, requestedAt: Date.now(), ...(o.commit ? { commit: o.commit } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
  });
  // The commit planned (an older deployment answers before planning, without it).
  const at = r.commit?.slice(0, 12) ?? o.commit ?? 'the head of the branch';
  if (o.wait) {
    if (!o.json) ctx.err(`run ${r.runId}: ${terminalSafe(workflow)} on ${r.repo} ${r.branch} at ${at}\n`);
    const run = await waitForEnd(ctx, api, r.runId, { pollMs: o.pollMs, quiet: o.json === true, plannedWithinMs: PLANNED_WITHIN_MS });
    printRemoteRun(ctx, run, o.json === true);
    return run.status === 'SUCCEEDED' ? ExitCode.ok : ExitCode.failed;
  }
  if (o.json) {
    ctx.out(JSON.stringify({ ...r, commit: r.commit ?? o.commit ?? null, requestId }, null, 2) + '\n');
    return ExitCode.ok;
  }
  ctx.out(`run ${r.runId}: ${terminalSafe(workflow)} on ${r.repo} ${r.branch} at ${at}${r.commit === undefined ? '; hyperp plans it now' : ''}\n`);
  ctx.out(`follow it: hyperp runs show ${r.runId} (or run again with --wait)\n`);
  return ExitCode.ok;
};
