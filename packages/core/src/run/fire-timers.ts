/**
 * Timers come due as the clock moves: a back-off ends (the next attempt queues for launch), a
 * deadline passes (the attempt is stopped and counts as failed), a throttled launch may be
 * tried again. A timer whose attempt has moved on is dropped.
 */
import { enqueueLaunch, stillQueued } from './launch.js';
import { currentAttempt, putAttempt, taskAt } from './records.js';
import type { Timer } from './state.js';
import { flushAttemptStop } from './stop.js';
import { takeDueTimer } from './timers.js';
import type { Tx } from './tx.js';

const fire = (tx: Tx, timer: Timer): void => {
  const ref = timer.ref;
  if (timer.kind === 'relaunch') {
    if (stillQueued(tx, ref)) enqueueLaunch(tx, ref);
    return;
  }
  if (ref.kind !== 'task') return;
  const t = taskAt(tx, ref.job, ref.index);
  if (t === undefined) return;
  const a = currentAttempt(t);
  if (a.attempt !== ref.attempt) return;
  if (timer.kind === 'retry') {
    if (t.status === 'BACKOFF') {
      putAttempt(tx, ref.job, ref.index, a, 'QUEUED');
      enqueueLaunch(tx, ref);
    }
    return;
  }
  // deadline
  if (a.outcome !== null || a.timedOut || a.deadline === null || a.deadline > tx.s.now) return;
  const seconds = tx.s.request!.workflow.jobs[ref.job]!.timeoutSeconds ?? 0;
  putAttempt(tx, ref.job, ref.index, { ...a, timedOut: true, stopReason: a.stopReason ?? `timed out after ${seconds} s` });
  flushAttemptStop(tx, ref.job, ref.index);
};

export const fireDueTimers = (tx: Tx): void => {
  for (let timer = takeDueTimer(tx); timer !== undefined; timer = takeDueTimer(tx)) fire(tx, timer);
};
