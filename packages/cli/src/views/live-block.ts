/**
 * The live block of `hyperp run` on a terminal: each run's status line and its jobs, fitted to
 * the window. Every row is cut to the width (a wrapped row would break the redraw in place), and
 * a block taller than the window becomes a summary: each run's status line, its running and
 * failed jobs, then as many others as fit, then how many are not shown.
 */
import { vecToArray, type JobRecord, type RunState, type TaskCounts } from '@hyperp/core';
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import { terminalSafe } from './terminal-text.js';

export interface WindowSize {
  readonly columns: number;
  readonly rows: number;
}

export interface LiveRun {
  readonly runId: string;
  readonly state: RunState;
}

const money = (x: number): string => `$${x.toFixed(4)}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** A job's tasks in a few words: how many are done, running, waiting to retry, waiting for a slot, failed. */
const taskSummary = (c: TaskCounts, total: number): string => {
  if (total === 0) return '';
  const parts = [
    c.RUNNING + c.STARTING > 0 ? `${c.RUNNING + c.STARTING} running` : '',
    c.BACKOFF > 0 ? `${c.BACKOFF} retrying` : '',
    c.QUEUED + c.LAUNCHING > 0 ? `${c.QUEUED + c.LAUNCHING} waiting` : '',
    c.FAILED > 0 ? `${c.FAILED} failed` : '',
  ].filter((p) => p !== '');
  return `tasks ${c.SUCCEEDED}/${total} done${parts.map((p) => `, ${p}`).join('')}`;
};

/**
 * When the job's first task began to run. A job starts when its tasks are asked for; locally a
 * task may then wait for a `--parallel` slot, and that wait is not the job's running time.
 */
const firstRunningAt = (j: JobRecord): number | null => {
  let first: number | null = null;
  for (const t of vecToArray(j.tasks)) {
    for (const a of t.attempts) if (a.runningAt !== null && (first === null || a.runningAt < first)) first = a.runningAt;
  }
  return first;
};

/** RUNNING, or WAITING while none of its tasks has begun (each waits for a slot or its launch). */
export const shownStatus = (j: JobRecord): string =>
  j.status === 'RUNNING' && j.taskCounts.STARTING === 0 && firstRunningAt(j) === null ? 'WAITING' : j.status;

/** Seconds since its first task began to run, to its end or `now`; empty before any ran. */
export const jobDuration = (j: JobRecord, now: number): string => {
  const from = firstRunningAt(j);
  return from === null ? '' : seconds((j.finishedAt ?? now) - from);
};

/** Shortest a name is cut to before the rest of its line is cut instead. */
const MIN_NAME = 12;

/**
 * `before + name + after` in `width` columns: the name (from a repository: any length, any
 * script) is shortened in its middle first, so the status, durations and cost stay readable.
 */
const fitted = (before: string, name: string, after: string, width: number): string => {
  const room = Math.max(MIN_NAME, width - stringWidth(before) - stringWidth(after));
  const shown = stringWidth(name) > room ? cliTruncate(name, room, { position: 'middle' }) : name;
  return cliTruncate(`${before}${shown}${after}`, width);
};

const headerLine = (r: LiveRun, width: number): string =>
  fitted('', terminalSafe(r.state.request?.workflow.name ?? r.runId), `  ${r.runId}  ${r.state.status}  ${money(r.state.cost.totalUsd)}`, width);

const jobLine = (j: JobRecord, now: number, width: number): string =>
  fitted(`  ${shownStatus(j).padEnd(9)} `, terminalSafe(j.name), ['', taskSummary(j.taskCounts, j.tasks.size), jobDuration(j, now), money(j.costUsd)].filter((p, i) => i === 0 || p !== '').join('  '), width);

/** Which jobs a summary keeps first: failed, running, those on their way, those not yet ready, the rest. */
const RANKS: readonly (readonly string[])[] = [['FAILED'], ['RUNNING'], ['WAITING', 'BUILDING', 'READY'], ['PENDING']];
const rank = (status: string): number => {
  const r = RANKS.findIndex((statuses) => statuses.includes(status));
  return r < 0 ? RANKS.length : r;
};

const moreLine = (hidden: readonly JobRecord[], width: number): string => {
  const by = new Map<string, number>();
  for (const j of hidden) by.set(shownStatus(j), (by.get(shownStatus(j)) ?? 0) + 1);
  const counts = [...by.entries()].sort((a, b) => rank(a[0]) - rank(b[0])).map(([s, n]) => `${n} ${s}`).join(', ');
  return cliTruncate(`  … ${hidden.length} more: ${counts}`, width);
};

/**
 * The rows to draw in a window of `size`: at most `rows - 1` (the cursor stays on the row below,
 * so drawing never scrolls the block's top off the screen), each at most `columns - 1` wide (a
 * character in the last column makes some terminals wrap at once).
 */
export const liveRows = (runs: readonly LiveRun[], now: number, size: WindowSize): string[] => {
  const width = Math.max(1, size.columns - 1);
  const height = Math.max(1, size.rows - 1);
  const jobs = runs.map((r) => vecToArray(r.state.jobs));
  const total = runs.length + jobs.reduce((n, js) => n + js.length, 0);
  if (total <= height) {
    return runs.flatMap((r, i) => [headerLine(r, width), ...jobs[i]!.map((j) => jobLine(j, now, width))]);
  }
  // Choose jobs by rank across all runs; a run with jobs left out costs one more row for its "… N more".
  const candidates = jobs.flatMap((js, r) => js.map((j, k) => ({ r, k, rank: rank(shownStatus(j)) })));
  candidates.sort((a, b) => a.rank - b.rank || a.r - b.r || a.k - b.k);
  const chosen = jobs.map(() => new Set<number>());
  const hiddenIn = (r: number) => jobs[r]!.length - chosen[r]!.size;
  let used = runs.length + jobs.filter((js) => js.length > 0).length;
  for (const c of candidates) {
    // Choosing a run's last hidden job also frees the row of its "… N more".
    const cost = hiddenIn(c.r) === 1 ? 0 : 1;
    if (used + cost > height) continue;
    chosen[c.r]!.add(c.k);
    used += cost;
  }
  const rows = runs.flatMap((r, i) => {
    const js = jobs[i]!;
    const order = [...chosen[i]!].sort((a, b) => rank(shownStatus(js[a]!)) - rank(shownStatus(js[b]!)) || a - b);
    const hidden = js.filter((_, k) => !chosen[i]!.has(k));
    return [headerLine(r, width), ...order.map((k) => jobLine(js[k]!, now, width)), ...(hidden.length > 0 ? [moreLine(hidden, width)] : [])];
  });
  // More runs than the window has rows for their status lines and counts: the first ones.
  return rows.length <= height ? rows : [...rows.slice(0, height - 1), cliTruncate(`… ${rows.length - height + 1} more lines`, width)];
};

/** Rows `lines` take on a terminal `columns` wide, counting those a long line wraps onto. */
export const rowsOf = (lines: readonly string[], columns: number): number =>
  lines.reduce((n, l) => n + Math.max(1, Math.ceil(stringWidth(l) / Math.max(1, columns))), 0);
