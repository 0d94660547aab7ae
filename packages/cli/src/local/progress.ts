/**
 * What a person sees while runs go: on a terminal, a live block of jobs, task counts,
 * durations and cost, redrawn in place and fitted to the window; elsewhere (pipes, CI, a window
 * too small for the block), one plain line per change.
 */
import { vecToArray, type AttemptRecord, type RunEvent, type RunState, type TaskRecord } from '@hyperp/core';
import type { CliContext, Terminal } from '../context.js';
import { liveRows, rowsOf, type WindowSize } from '../views/live-block.js';
import { terminalSafe, terminalSafeLines } from '../views/terminal-text.js';

export interface ProgressView {
  readonly update: (runId: string, state: RunState, events: readonly RunEvent[]) => void;
  readonly note: (line: string) => void;
  readonly close: () => void;
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** The line for an ended attempt; a failed one that is retried says when its next attempt may start. */
const attemptLine = (job: string, t: TaskRecord, a: AttemptRecord): string => {
  const next = t.attempts[a.attempt];
  const retry = a.outcome === 'FAILED' && next !== undefined && next.notBefore !== null ? `; attempt ${next.attempt} at ${clock(next.notBefore)}` : '';
  return `  job "${job}" task ${t.index} attempt ${a.attempt}: ${a.outcome}${a.reason ? ` — ${a.reason}` : ''}${retry}`;
};

/** One plain line per change, on stderr: for pipes, CI and windows too small for the block. */
const lineView = (ctx: CliContext): ProgressView => {
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
};

/** A terminal that does not say its size (a test's): the classic 80×24. */
const assumed: Terminal = { size: () => ({ columns: 80, rows: 24 }), onResize: () => () => undefined };

/** Below this the block would show hardly more than its status line. */
const tooSmall = (w: WindowSize): boolean => w.columns < 20 || w.rows < 5;

/**
 * The live block. Each drawing moves up over the rows the previous one takes now (at the current
 * width: a narrowed window rewraps them), clears to the end of the screen and draws again; the
 * block never has more rows than the window, so the move up always reaches its top.
 */
const liveView = (ctx: CliContext, terminal: Terminal): ProgressView => {
  const states = new Map<string, RunState>();
  let drawn: string[] = [];
  let plain: ProgressView | undefined;
  const draw = (before = '') => {
    if (plain !== undefined) return;
    const size = terminal.size();
    const up = rowsOf(drawn, size.columns);
    const erase = up > 0 ? `\x1b[${up}F\x1b[J` : '';
    if (tooSmall(size)) {
      // Shrunk below use: plain lines from now on, starting with where each run is.
      ctx.out(`${erase}${before}`);
      drawn = [];
      plain = lineView(ctx);
      for (const [id, s] of states) plain.update(id, s, []);
      return;
    }
    drawn = liveRows([...states].map(([runId, state]) => ({ runId, state })), Date.now(), size);
    ctx.out(`${erase}${before}${drawn.join('\n')}\n`);
  };
  const timer = setInterval(draw, 250);
  const stopResize = terminal.onResize(() => draw());
  return {
    update: (runId, s, events) => {
      states.set(runId, s);
      plain?.update(runId, s, events);
    },
    note: (line) => (plain !== undefined ? plain.note(line) : draw(`${terminalSafeLines(line)}\n`)),
    close: () => {
      clearInterval(timer);
      stopResize();
      draw();
    },
  };
};

export const progressView = (ctx: CliContext, quiet: boolean): ProgressView => {
  if (quiet) return { update: () => undefined, note: () => undefined, close: () => undefined };
  const terminal = ctx.terminal ?? assumed;
  return ctx.isTTY && !tooSmall(terminal.size()) ? liveView(ctx, terminal) : lineView(ctx);
};
