/**
 * One reduction in progress: the state so far and the commands asked for so far. A `Tx` is
 * created fresh by `reduce` for each event and never escapes it, so the handlers may update it
 * in place while `reduce` stays a pure function of its arguments.
 */
import type { Command } from './commands.js';
import type { RunEvent } from './events.js';
import { withDiagnostic } from './diagnostics.js';
import type { DiagnosticCode, RunState } from './state.js';

export interface Tx {
  s: RunState;
  readonly out: Command[];
}

export const emit = (tx: Tx, command: Command): void => {
  tx.out.push(command);
};

/** Records an ignored or impossible event in the state's diagnostics (once per event); the run goes on. */
export const diagnose = (tx: Tx, code: DiagnosticCode, event: RunEvent, detail: string): void => {
  const diagnostics = withDiagnostic(tx.s.diagnostics, code, event, detail);
  if (diagnostics !== tx.s.diagnostics) tx.s = { ...tx.s, diagnostics };
};

/** The run id; only called once `RunRequested` has been applied. */
export const runIdOf = (tx: Tx): string => tx.s.runId ?? '';
