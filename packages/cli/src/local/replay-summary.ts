/**
 * The summary of a run that has none that fits its log (made by a hyperp that wrote none, or
 * appended to by a process that did not write one): the log folded with the core's reducer, and
 * the summary written so that the next `runs list` reads it. Loaded only when a run needs it.
 */
import { ensureIgnored, foldRun, runSummaryOf, writeRunSummary, type LocalLayout, type RunSummary } from '@hyperp/adapters-local';

export const replaySummary = (layout: LocalLayout, runId: string): RunSummary => {
  const { state, damagedLines, offset } = foldRun(layout, runId);
  const summary = runSummaryOf(runId, state, damagedLines);
  try {
    ensureIgnored(layout); // a `.hyperp/` of an older hyperp may have no .gitignore yet
    writeRunSummary(layout, runId, summary, offset);
  } catch {
    // a cache: a `.hyperp/` hyperp may not write to is still listed
  }
  return summary;
};
