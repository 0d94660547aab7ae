/**
 * `hyperp logs RUN JOB` against the API: a task's CloudWatch log stream, page after page;
 * `--follow` keeps asking until the attempt ends (waiting first for a task that has not started).
 * The newest attempt of the task unless `--attempt` names one.
 */
import { isTerminalRun, type RunStatus } from '@hyperp/core';
import { CliError, ExitCode, type CliContext } from '../context.js';
import type { ApiClient } from './client.js';
import { remoteRunId } from './run-id.js';
import { sleep } from './wait.js';
import type { ApiRunView, ApiTaskView } from '@hyperp/core/internal';

export interface RemoteLogsOptions {
  readonly repo?: string;
  readonly index: number;
  readonly attempt?: number;
  readonly container?: string;
  readonly follow?: boolean;
  /** Between polls of `--follow`. */
  readonly pollMs: number;
}

/** The attempt asked for, else the task's newest. */
const attemptOf = (run: ApiRunView, job: string, index: number, attempt: number | undefined): ApiTaskView | undefined => {
  const j = run.jobs.find((x) => x.name === job);
  if (!j) throw new CliError(`run ${run.runId} has no job "${job}" (jobs: ${run.jobs.map((x) => `"${x.name}"`).join(', ')})`);
  const attempts = j.tasks.filter((t) => t.index === index);
  return attempt === undefined ? attempts.at(-1) : attempts.find((t) => t.attempt === attempt);
};

const ended = (run: ApiRunView, t: ApiTaskView | undefined): boolean =>
  isTerminalRun(run.status as RunStatus) || (t !== undefined && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(t.status));

export const remoteLogs = async (ctx: CliContext, api: ApiClient, given: string, job: string, o: RemoteLogsOptions): Promise<number> => {
  const runId = await remoteRunId(ctx, api, given, o.repo);
  const pollMs = o.pollMs;
  let run = await api.getRun(runId);
  let task = attemptOf(run, job, o.index, o.attempt);
  while (o.follow && task?.taskArn == null && !ended(run, task) && !ctx.signal.aborted) {
    await sleep(pollMs, ctx.signal);
    run = await api.getRun(runId);
    task = attemptOf(run, job, o.index, o.attempt);
  }
  if (!task && o.attempt !== undefined) {
    const n = run.jobs.find((x) => x.name === job)!.tasks.filter((t) => t.index === o.index).length;
    throw new CliError(`task ${o.index} of job "${job}" has no attempt ${o.attempt} (it has ${n})`);
  }
  if (!task?.taskArn) throw new CliError(`task ${o.index} of job "${job}" has not started (run ${runId} is ${run.status})`);
  const attempt = task.attempt;
  let token: string | undefined;
  // Reads every page there is now. A page may be empty while more follow; CloudWatch Logs says
  // nothing is left by answering the token it was given.
  const drain = async (): Promise<void> => {
    for (;;) {
      const page = await api.logs(runId, {
        job, index: o.index, attempt, ...(o.container ? { container: o.container } : {}), ...(token ? { nextToken: token } : {}),
      });
      for (const e of page.events) ctx.out(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      const next = page.nextToken ?? undefined;
      const done = next === undefined || next === token;
      token = next ?? token;
      if (done) return;
    }
  };
  await drain();
  while (o.follow && !ended(run, task) && !ctx.signal.aborted) {
    await sleep(pollMs, ctx.signal);
    run = await api.getRun(runId);
    task = attemptOf(run, job, o.index, attempt);
    await drain();
  }
  return ExitCode.ok;
};
