/**
 * What a person sees while runs go: on a terminal, a live block of jobs, task counts,
 * durations and cost, redrawn in place; elsewhere (pipes, CI), one plain line per change.
 */
import { vecToArray, type AttemptRecord, type RunEvent, type RunState, type TaskCounts, type TaskRecord } from '@hyperp/core';
import type { CliContext } from '../context.js';
import { terminalSafe, terminalSafeLines } from '../views/terminal-text.js';

export interface ProgressView {
  readonly update: (runId: string, state: RunState, events: readonly RunEvent[]) => void;
  readonly note: (line: string) => void;
  readonly close: () => void;
}

const money = (x: number): string => `$${x.toFixed(4)}`;
const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
const elapsed = (from: number | null, to: number): string => (from === null ? '' : `${((to - from) / 1000).toFixed(1)}s`);

/** A job's tasks in a few words: how many are done, running, waiting to retry, waiting for a slot, failed. */
const taskSummary = (c: TaskCounts, total: number): string => {
  if (total === 0) return '';
  const parts = [
    c.RUNNING + c.STARTING > 0 ? `${c.RUNNING + c.STARTING} running` : '',
    c.BACKOFF > 0 ? `${c.BACKOFF} retrying` : '',
    c.QUEUED + c.LAUNCHING > 0 ? `${c.QUEUED + c.LAUNCHING} waiting` : '',
    c.FAILED > 0 ? `${c.FAILED} failed` : '',
  ].filter((p) => p !== '');
  return `  tasks ${c.SUCCEEDED}/${total} done${parts.map((p) => `, ${p}`).join('')}`;
};

const liveLines = (runId: string, s: RunState, now: number): string[] => {
  const lines = [terminalSafe(`${s.request?.workflow.name ?? runId}  ${runId}  ${s.status}  ${money(s.cost.totalUsd)}`)];
  for (const j of vecToArray(s.jobs)) {
    lines.push(terminalSafe(`  ${j.status.padEnd(9)} ${j.name}${taskSummary(j.taskCounts, j.tasks.size)}  ${elapsed(j.startedAt, j.finishedAt ?? now)}  ${money(j.costUsd)}`));
  }
  return lines;
};

/** The line for an ended attempt; a failed one that is retried says when its next attempt may start. */
const attemptLine = (job: string, t: TaskRecord, a: AttemptRecord): string => {
  const next = t.attempts[a.attempt];
  const retry = a.outcome === 'FAILED' && next !== undefined && next.notBefore !== null ? `; attempt ${next.attempt} at ${clock(next.notBefore)}` : '';
  return `  job "${job}" task ${t.index} attempt ${a.attempt}: ${a.outcome}${a.reason ? ` — ${a.reason}` : ''}${retry}`;
};

export const progressView = (ctx: CliContext, quiet: boolean): ProgressView => {
  if (quiet) return { update: () => undefined, note: () => undefined, close: () => undefined };
  if (!ctx.isTTY) {
    const seen = new Map<string, string>();
    return {
      update: (runId, s) => {
        const key = (k: string, v: string, line: string) => {
          if (seen.get(k) === v) return;
          seen.set(k, v);
          ctx.err(`${clock(s.now || Date.now())} ${terminalSafe(line)}\n`);
        };
        for (const j of vecToArray(s.jobs)) {
          // Every ended attempt, not only the newest: a failure that is retried is news too.
          for (const t of vecToArray(j.tasks)) {
            for (const a of t.attempts) {
              if (a.outcome !== null) key(`${runId}/${j.name}/${t.index}/${a.attempt}`, a.outcome, attemptLine(j.name, t, a));
            }
          }
          // Every job starts PENDING: say only what changes.
          if (!seen.has(`${runId}/${j.name}`) && j.status === 'PENDING') {
            seen.set(`${runId}/${j.name}`, j.status);
            continue;
          }
          key(`${runId}/${j.name}`, j.status, `  job "${j.name}": ${j.status}${j.reason && (j.status === 'FAILED' || j.status === 'SKIPPED') ? ` — ${j.reason}` : ''}`);
        }
        if (!seen.has(runId) && s.status === 'PENDING') seen.set(runId, s.status);
        key(`${runId}`, s.status, `run ${runId} (${s.request?.workflow.name ?? '?'}): ${s.status}${s.failure && s.status === 'FAILED' ? ` — ${s.failure}` : ''}`);
      },
      note: (line) => ctx.err(`${terminalSafeLines(line)}\n`),
      close: () => undefined,
    };
  }
  const states = new Map<string, RunState>();
  let drawn = 0;
  const draw = () => {
    const now = Date.now();
    const lines = [...states.entries()].flatMap(([id, s]) => liveLines(id, s, now));
    // Move up over the previous block and clear it, then draw the new one.
    ctx.out(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 250);
  return {
    update: (runId, s) => void states.set(runId, s),
    note: (line) => {
      ctx.out(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${terminalSafeLines(line)}\n`);
      drawn = 0;
      draw();
    },
    close: () => {
      clearInterval(timer);
      draw();
    },
  };
};
