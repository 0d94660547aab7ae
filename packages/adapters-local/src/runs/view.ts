/**
 * A local run as the CLI shows it (`run --json`, `runs show --json`): core's view of the state,
 * with the job folders under the local artifact store and the log files of the local layout.
 */
import { join } from 'node:path';
import { runView as coreRunView, type RunState, type RunView, type ViewPlaces } from '@hyperp/core';
import { taskLogFile, type LocalLayout } from '../layout.js';

export type { JobView, RunView } from '@hyperp/core';

export const localPlaces = (layout: LocalLayout, runId: string): ViewPlaces => ({
  outputDir: (artifactPath) => join(layout.artifactsDir, artifactPath),
  logFile: (job, index, a) => taskLogFile(layout, runId, job, index, a.attempt),
});

export const runView = (state: RunState, layout: LocalLayout): RunView => coreRunView(state, localPlaces(layout, state.runId ?? ''));

/** What a run shows beyond its view: why it failed, and whether it ran a dirty working tree. */
export interface RunNotes {
  readonly failure: string | null;
  readonly dirty: boolean;
}

const money = (x: number): string => `$${x < 0.01 && x > 0 ? x.toFixed(6) : x.toFixed(4)}`;
const secs = (s: number | null): string => (s === null ? '-' : s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`);

/** The text `runs show` prints, from the view alone (so a run read from the API prints the same). */
export const formatRunView = (v: RunView, notes: RunNotes): string => {
  const lines = [
    `run ${v.runId}  ${v.workflow}  ${v.status}`,
    `commit ${v.commit.slice(0, 12)}${notes.dirty ? ' (with uncommitted changes)' : ''}   cost on Fargate ${money(v.costUsd)}`,
  ];
  if (notes.failure) lines.push(`why: ${notes.failure}`);
  for (const j of v.jobs) {
    lines.push(`  ${j.status.padEnd(9)} ${j.name}  ${money(j.costUsd)}${j.attempts > 0 ? `  ${j.attempts} attempt(s)` : ''}`);
    for (const t of j.tasks) {
      lines.push(`      task ${t.index} attempt ${t.attempt}: ${t.status}${t.exitCode !== null ? ` exit ${t.exitCode}` : ''}  ${secs(t.durationSeconds)}  ${money(t.costUsd)}`);
    }
  }
  return lines.join('\n') + '\n';
};

/** The text `runs show` prints for a local run. */
export const formatRun = (v: RunView, state: RunState): string =>
  formatRunView(v, { failure: state.failure, dirty: state.request?.dirty === true });
