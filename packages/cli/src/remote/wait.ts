/**
 * Waiting on a deployment's run: polls `GET /runs/{id}` and prints each job's and the run's
 * changes as plain lines on stderr, like a local run in a pipe, until the run ends. A run just
 * requested is not readable until the stepper folds its request: a 404 means "not yet".
 */
import { isTerminalRun, type RunStatus } from '@hyperp/core';
import { CliError, UsageError, type CliContext } from '../context.js';
import { ApiError, type ApiClient } from './client.js';
import type { ApiRunView } from '@hyperp/core/internal';

export { pollMsOf } from './poll.js';

export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    // The listener goes with the timer: a long wait polls hundreds of times on one signal.
    const onAbort = (): void => (clearTimeout(timer), resolve());
    const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

const clock = (): string => new Date().toISOString().slice(11, 19);

export interface WaitOptions {
  readonly pollMs: number;
  readonly quiet: boolean;
  /**
   * Gives up when the run is still unreadable after this long (a manual run the planner refused:
   * its workflow does not allow manual runs, or its files have errors). Default: wait.
   */
  readonly plannedWithinMs?: number;
}

export const waitForEnd = async (ctx: CliContext, api: ApiClient, runId: string, o: WaitOptions): Promise<ApiRunView> => {
  let unreadable = 0;
  const seen = new Map<string, string>();
  const note = (key: string, value: string, line: string, quietFirst: string | null): void => {
    if (o.quiet || seen.get(key) === value) return;
    // Every job and run starts PENDING: say only what changes.
    const first = !seen.has(key);
    seen.set(key, value);
    if (!(first && value === quietFirst)) ctx.err(`${clock()} ${line}\n`);
  };
  for (;;) {
    let run: ApiRunView | undefined;
    try {
      run = await api.getRun(runId);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      if (o.plannedWithinMs !== undefined && ++unreadable * o.pollMs > o.plannedWithinMs) {
        throw new CliError(
          `run ${runId} was not planned within ${Math.round(o.plannedWithinMs / 1000)} s: the workflow may not allow manual runs or its files have errors ` +
            '(the "hyperp" commit status on GitHub says which); if it was only slow, hyperp runs show ' + runId + ' finds it later',
        );
      }
    }
    if (run) {
      for (const j of run.jobs) {
        note(`job/${j.name}`, j.status, `  job "${j.name}": ${j.status}${j.reason && (j.status === 'FAILED' || j.status === 'SKIPPED') ? ` — ${j.reason}` : ''}`, 'PENDING');
      }
      note('run', run.status, `run ${runId} (${run.workflow}): ${run.status}${run.failure && run.status === 'FAILED' ? ` — ${run.failure}` : ''}`, 'PENDING');
      if (isTerminalRun(run.status as RunStatus)) return run;
    }
    if (ctx.signal.aborted) throw new CliError(`stopped waiting; run ${runId} goes on on the deployment (hyperp runs show ${runId})`);
    await sleep(o.pollMs, ctx.signal);
  }
};
