/**
 * The sweep's share of reporting: every run whose check run has not reached GitHub in its final
 * state (`store/checks.ts`, the `CHECKS#PENDING` index) is reported from its stored state — the
 * state after a crash, a rate limit or an outage that lost the last report, and a change a busy
 * run held back (`checkSendDecision` 'later') that no later step sent.
 */
import type { Store } from '../store/store.js';
import type { CheckReporter } from './check-reporter.js';
import { storedRunOf } from '../run/stored-run.js';

/** Runs reported per sweep: a minute's sweep must end well inside its function's timeout. */
const PER_SWEEP = 50;

export const reportPendingChecks = async (d: { store: Store; reporter: CheckReporter; log: (m: string, x?: Record<string, unknown>) => void }): Promise<number> => {
  const runIds = await d.store.checks.pending(PER_SWEEP);
  let reported = 0;
  for (const runId of runIds) {
    try {
      const saved = await d.store.states.load(runId);
      if (!saved) continue;
      const stored = storedRunOf(saved).state;
      await d.reporter.report(stored.meta, stored.run);
      reported++;
    } catch (e) {
      d.log('sweep: a run\'s check could not be read; the next sweep tries again', { runId, error: (e as Error).message });
    }
  }
  return reported;
};
