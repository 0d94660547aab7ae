/** `hyperp runs show RUN` on this machine: the run's log folded, printed as `hyperp run` prints it at its end. */
import { foldRun, runView } from '@hyperp/adapters-local';
import { ExitCode, type CliContext } from '../context.js';
import { printRuns } from '../views/print-runs.js';
import { resumeCommandOf } from './driver-state.js';
import { findRun, layoutOf, progressOf, warnDamaged } from './repo.js';
import { quietSecrets, secretMask } from './secrets.js';

export const showLocalRun = (ctx: CliContext, given: string, opts: { repo?: string; json?: boolean }): number => {
  const layout = layoutOf(ctx, opts.repo);
  const runId = findRun(layout, given);
  const { state, damagedLines } = foldRun(layout, runId);
  warnDamaged(ctx, layout, runId, damagedLines);
  const resumeWith = resumeCommandOf(layout, runId, progressOf(state), opts.repo, damagedLines.length > 0);
  const more = resumeWith !== undefined ? { resumeWith } : {};
  if (opts.json) ctx.out(JSON.stringify({ ...runView(state, layout), ...(damagedLines.length > 0 ? { damagedLines } : {}), ...more }, null, 2) + '\n');
  else printRuns(ctx, [state], layout, false, more, state.request ? secretMask(quietSecrets(layout.repoDir), [state.request.workflow]) : []);
  return ExitCode.ok;
};
