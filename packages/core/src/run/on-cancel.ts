/**
 * Cancellation: everything stops and the run ends CANCELLED once nothing runs. A cancel that
 * arrives before the request is kept, and the run then ends as soon as it is requested.
 */
import type { CancelRequested } from './events.js';
import { stopEverything } from './stop.js';
import type { Tx } from './tx.js';

export const onCancelRequested = (tx: Tx, e: CancelRequested): void => {
  if (tx.s.cancel !== null) return;
  tx.s = { ...tx.s, cancel: { at: e.at, reason: e.reason, by: e.by } };
  if (tx.s.runId !== null) stopEverything(tx, `cancelled: ${e.reason}`);
};
