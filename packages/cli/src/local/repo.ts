/** `--repo DIR` of the local-runtime commands, resolved against where the user ran hyperp, and the runs under it. */
import { relative } from 'node:path';
import { damagedLinesText, eventsFile, listRunIds, type LocalLayout } from '@hyperp/adapters-local';
import { isTerminalRun, type RunRequested, type RunState } from '@hyperp/core';
import type { RunProgress } from './driver-state.js';
import { CliError, type CliContext } from '../context.js';
import { terminalSafe } from '../views/terminal-text.js';

export { layoutOf, repoDirOf } from './layout.js';

/** A run id as given, or the newest run whose id starts with it (`hyperp runs show 2026`); `last` names the newest. */
export const findRun = (layout: LocalLayout, given: string): string => {
  const ids = listRunIds(layout);
  if (given === 'last' || given === 'latest') {
    const last = ids[ids.length - 1];
    if (!last) throw new CliError(`no runs under ${layout.root}`);
    return last;
  }
  if (ids.includes(given)) return given;
  const matches = ids.filter((id) => id.startsWith(given));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new CliError(`run id ${given} is ambiguous: ${matches.slice(-5).join(', ')}`);
  throw new CliError(`no run ${given} under ${layout.root} (hyperp runs list shows the runs)`);
};

/** The run's request; a log without one (its first line torn by a crash) cannot be run. */
export const requestOf = (state: RunState, runId: string): RunRequested => {
  if (!state.request) throw new CliError(`run ${runId} has no RunRequested event in its log; it cannot be resumed`);
  return state.request;
};

/** Says on stderr that lines of a run's log were skipped: what the command shows may miss what they held. */
export const warnDamaged = (ctx: CliContext, layout: LocalLayout, runId: string, lines: readonly number[]): void => {
  if (lines.length === 0) return;
  ctx.err(`warning: run ${runId}: ${damagedLinesText(lines)} skipped in ${terminalSafe(relative(layout.repoDir, eventsFile(layout, runId)))} (not events); what they recorded is missing here\n`);
};

/** Whether the run's status is final and its log holds its request (for `resumeCommandOf`). */
export const progressOf = (state: RunState): RunProgress => ({ ended: isTerminalRun(state.status), requested: state.request !== null });
