/**
 * A run's line in `hyperp runs list`, local or remote. Apart from the run's full text (run-text.ts)
 * so that listing loads no more than this.
 */
import { terminalSafe } from './terminal-text.js';

/** Said of a run whose status is not final while nothing moves it on (its hyperp process was killed). */
export const notDriven = (command: string): string => `no hyperp process is driving it any more; continue it with: ${command}`;

export interface ListRow {
  readonly runId: string;
  readonly workflow: string;
  readonly commit: string;
  readonly status: string;
  readonly costUsd: number;
  /** ISO 8601; null when the run's request is missing. */
  readonly requestedAt: string | null;
  readonly branch?: string;
  /** ISO 8601; null while the run goes on. */
  readonly finishedAt?: string | null;
  /** Lines of the run's event log that are not events (skipped); absent when there are none. */
  readonly damagedLines?: readonly number[];
  /** Why the run could not be read at all (its status is then UNREADABLE). */
  readonly problem?: string;
  /** For a run that has not ended and that no process drives any more: the command that continues it. */
  readonly resumeWith?: string;
}

const marks = (r: ListRow): string => {
  const n = r.damagedLines?.length ?? 0;
  if (r.problem !== undefined) return `  ! ${terminalSafe(r.problem)}`;
  return [
    n > 0 ? `  ! log damaged: ${n} line${n === 1 ? '' : 's'} skipped (hyperp runs show ${terminalSafe(r.runId)})` : '',
    r.resumeWith !== undefined ? `  ! stopped: ${terminalSafe(notDriven(r.resumeWith))}` : '',
  ].join('');
};

/** Every field is shown terminal-safe: a summary on disk or an API's answer may hold anything. */
export const listLine = (r: ListRow): string =>
  `${terminalSafe(r.runId)}  ${terminalSafe(r.status).padEnd(9)}  ${terminalSafe(r.workflow)}  ${terminalSafe(r.commit.slice(0, 12))}  $${r.costUsd.toFixed(4)}${marks(r)}\n`;
