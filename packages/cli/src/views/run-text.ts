/**
 * Text that local and remote commands print alike, from the views both have: a run with its jobs
 * and task attempts, a run's line in a listing, and the cost report.
 */
import { isTerminalRun, vecToArray, type JobView, type RunCostView, type RunState, type RunView } from '@hyperp/core';
import { plural } from '@hyperp/core/internal';
import { terminalSafe, terminalSafeLines } from './terminal-text.js';
import { notDriven } from './list-line.js';

/** What a run shows beyond its view: why it failed, and whether it ran a dirty working tree. */
export interface RunNotes {
  readonly failure: string | null;
  readonly dirty: boolean;
  /** Per job, in the view's order: why it failed, was skipped or cancelled, or where it was reused from. */
  readonly jobReasons?: readonly (string | null)[];
  /** Per job, in the view's order: its downloadable zip, when it has one (a failed one is shown). */
  readonly downloadables?: readonly ({ readonly status: string; readonly reason?: string | null } | null)[];
  /** Per job, in the view's order: lines under a FAILED one saying why (its log's end, a hint, the logs command). */
  readonly jobCauses?: readonly (readonly string[] | null)[];
  /** Whether the run has ended: a zip still PENDING then was never made. */
  readonly ended?: boolean;
  /** For a run that has not ended and that no process drives any more: the command that continues it. */
  readonly resumeWith?: string;
}


export const notesOf = (state: RunState): RunNotes => ({
  failure: state.failure,
  dirty: state.request?.dirty === true,
  jobReasons: vecToArray(state.jobs).map((j) => j.reason),
  downloadables: vecToArray(state.jobs).map((j) => j.downloadable),
  ended: isTerminalRun(state.status),
});

/** The line under a job for its zip: only when it failed, or was never made by a run that ended. */
const zipLine = (d: { readonly status: string; readonly reason?: string | null } | null | undefined, ended: boolean): string | null =>
  d?.status === 'FAILED' ? `      zip FAILED${d.reason ? `: ${terminalSafe(d.reason)}` : ''}`
    : d?.status === 'PENDING' && ended ? '      zip not made (hyperp stopped first; hyperp resume makes it)'
      : null;

const usd = (x: number): string => `$${x < 0.01 && x > 0 ? x.toFixed(6) : x.toFixed(4)}`;
const secs = (s: number | null): string => (s === null ? '-' : s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`);


/**
 * "2 tasks", or "2 tasks, 3 attempts" when some task was retried; empty for a job that launched
 * nothing. Counting attempts alone read as retries for a job of several tasks that each ran once.
 */
const taskCount = (j: JobView): string => {
  const tasks = new Set(j.tasks.map((t) => t.index)).size;
  if (tasks === 0) return '';
  return j.tasks.length > tasks ? `${plural(tasks, 'task')}, ${plural(j.tasks.length, 'attempt')}` : plural(tasks, 'task');
};

/**
 * What a run ran: `commit 9f752c5271f9 (with uncommitted changes)`, or, in a repository with no
 * commit yet (as `hyperp init` leaves a new folder), its working tree.
 */
export const commitText = (commit: string, dirty: boolean): string =>
  commit === '' ? 'the working tree (no commit yet)' : `commit ${commit.slice(0, 12)}${dirty ? ' (with uncommitted changes)' : ''}`;

/** The text `runs show` prints (and `run` at its end). */
export const formatRunView = (v: RunView, notes: RunNotes): string => {
  const lines = [
    `run ${v.runId}  ${v.workflow}  ${v.status}`,
    `${commitText(v.commit, notes.dirty)}   cost on Fargate ${usd(v.costUsd)}`,
  ];
  const inputs = Object.entries(v.inputs ?? {});
  if (inputs.length > 0) lines.push(`inputs ${inputs.map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(' ')}`);
  if (notes.resumeWith !== undefined) lines.push(`stopped: ${notDriven(notes.resumeWith)}`);
  if (notes.failure) lines.push(`why: ${notes.failure}`);
  for (const [i, j] of v.jobs.entries()) {
    const reason = notes.jobReasons?.[i] ?? null;
    const tried = taskCount(j);
    lines.push(`  ${j.status.padEnd(9)} ${j.name}  ${usd(j.costUsd)}${tried ? `  ${tried}` : ''}${reason !== null ? `  — ${reason}` : ''}`);
    for (const t of j.tasks) {
      lines.push(`      task ${t.index} attempt ${t.attempt}: ${t.status}${t.exitCode !== null ? ` exit ${t.exitCode}` : ''}  ${secs(t.durationSeconds)}  ${usd(t.costUsd)}`);
    }
    for (const l of notes.jobCauses?.[i] ?? []) lines.push(`      ${l}`);
    const zip = zipLine(notes.downloadables?.[i], notes.ended === true);
    if (zip !== null) lines.push(zip);
  }
  // Names, reasons and the failure come from the repository and its jobs.
  return terminalSafeLines(lines.join('\n')) + '\n';
};

const money = (x: number): string => `$${x.toFixed(6)}`;

/** `hyperp cost RUN`; `builds` says how the image builds were billed. */
export const formatCost = (c: RunCostView, workflow: string, builds: string): string => {
  const lines = [`run ${c.runId} (${workflow}) on Fargate ${c.region}${c.spot ? ' Spot' : ''}${c.final ? '' : ' — so far, the run has not ended'}`];
  for (const j of c.jobs) {
    lines.push(`  ${money(j.costUsd)}  job ${j.name}`);
    for (const t of j.tasks) {
      lines.push(`    ${money(t.costUsd)}  task ${t.index} attempt ${t.attempt} (${t.durationSeconds === null ? '-' : `${t.durationSeconds.toFixed(1)} s`}, billed at least 60 s)`);
    }
  }
  lines.push(`  ${money(c.buildsUsd)}  ${builds}`, `  ${money(c.totalUsd)}  total`);
  return terminalSafeLines(lines.join('\n')) + '\n';
};
