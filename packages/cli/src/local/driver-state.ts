/**
 * Whether a local run that has not ended still has a `hyperp` process driving it. The driver
 * holds the run's lock file while it lives; a run whose driver was killed (SIGKILL, a closed
 * terminal, a crash) keeps the status its log last had, and only `hyperp resume` moves it on.
 * Reads the lock alone (not the runtime), so `runs list` stays small.
 */
import { driverLockFile, lockHolder, type LocalLayout } from '@hyperp/adapters-local/summary';
import { shellArg } from '../views/shell-arg.js';

/** What tells whether a run can be continued: its status is final, its log holds its request. */
export interface RunProgress {
  readonly ended: boolean;
  readonly requested: boolean;
}

/**
 * For a run that has not ended and that no live process drives: the command that continues it
 * (a damaged log, shown beside it, is resumed only when accepted). None for a log without its
 * request, which cannot be resumed (`hyperp cancel` ends it).
 */
export const resumeCommandOf = (layout: LocalLayout, runId: string, run: RunProgress, repo: string | undefined, damaged: boolean): string | undefined =>
  run.ended || !run.requested || lockHolder(driverLockFile(layout, runId)) !== undefined
    ? undefined
    : `hyperp resume ${shellArg(runId)}${repo === undefined ? '' : ` --repo ${shellArg(repo)}`}${damaged ? ' --accept-damaged-log' : ''}`;
