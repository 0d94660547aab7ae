/**
 * One reduction in progress: the state so far and the commands asked for so far. A `Tx` is
 * created fresh by `reduce` for each event and never escapes it, so the handlers may update it
 * in place while `reduce` stays a pure function of its arguments.
 */
import type { Command } from './commands.js';
import type { RunEvent } from './events.js';
import { diagnosticsKept, type DiagnosticCode, type RunState } from './state.js';

export interface Tx {
  s: RunState;
  readonly out: Command[];
}

export const emit = (tx: Tx, command: Command): void => {
  tx.out.push(command);
};

/** Records an ignored or impossible event in the state's diagnostics; the run goes on. */
export const diagnose = (tx: Tx, code: DiagnosticCode, event: RunEvent, detail: string): void => {
  const d = tx.s.diagnostics;
  const recent = [...d.recent, { at: event.at, code, event: event._tag, detail }];
  tx.s = {
    ...tx.s,
    diagnostics: {
      ignored: d.ignored + 1,
      byCode: { ...d.byCode, [code]: (d.byCode[code] ?? 0) + 1 },
      recent: recent.length > diagnosticsKept ? recent.slice(recent.length - diagnosticsKept) : recent,
    },
  };
};

/** The run id; only called once `RunRequested` has been applied. */
export const runIdOf = (tx: Tx): string => tx.s.runId ?? '';
