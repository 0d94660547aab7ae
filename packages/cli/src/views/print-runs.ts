/**
 * Runs printed as `run` prints them at their end: the run's view, why each job failed, and the
 * results its last jobs left. Apart from the run command, so that `runs show` loads no engine.
 */
import { maskText, runView, smallTextFiles, type RunView } from '@hyperp/adapters-local';
import type { RunState } from '@hyperp/core';
import type { CliContext } from '../context.js';
import type { layoutOf } from '../local/repo.js';
import { failureCauses } from '../local/failure-cause.js';
import { formatRunView, notesOf, type RunNotes } from './run-text.js';
import { terminalSafe } from './terminal-text.js';

/** The small text files of the jobs nothing depends on: a run's result, shown after it. */
export const resultLines = (v: RunView, state: RunState): string[] => {
  const deps = new Set(state.request?.workflow.jobs.flatMap((j) => j.dependsOn) ?? []);
  return v.jobs
    .filter((j) => !deps.has(j.name) && j.status === 'SUCCEEDED')
    .flatMap((j) => smallTextFiles(j.outputDir).map((f) => `result ${j.name}/${f.name}: ${f.text}`));
};

/** Prints runs as `run` does at its end; `more` adds what `runs show` knows of a run beyond its log. */
export const printRuns = (
  ctx: CliContext, states: readonly RunState[], layout: ReturnType<typeof layoutOf>, json: boolean, more: Pick<RunNotes, 'resumeWith'> = {},
  /** Secret values (`maskPatterns`) shown as *** in the results printed from the jobs' outputs. */
  mask: readonly string[] = [],
): void => {
  const views = states.map((s) => runView(s, layout));
  if (json) {
    ctx.out(JSON.stringify({ runs: views }, null, 2) + '\n');
    return;
  }
  for (const [i, v] of views.entries()) {
    ctx.out(formatRunView(v, { ...notesOf(states[i]!), jobCauses: failureCauses(layout, states[i]!, v.jobs, v.runId), ...more }));
    for (const l of resultLines(v, states[i]!)) ctx.out(`${terminalSafe(maskText(l, mask))}\n`);
    ctx.out(`outputs under ${layout.artifactsDir}; details: hyperp runs show ${v.runId}; cost: hyperp cost ${v.runId}\n`);
  }
};
