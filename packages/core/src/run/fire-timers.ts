/**
 * Timers come due as the clock moves: a back-off ends (the next attempt queues for launch), a
 * deadline passes (the attempt is stopped and counts as failed), a throttled launch may be
 * tried again. A timer whose attempt has moved on is dropped.
 */
import { buildDeadline, buildTimeoutSeconds, enqueueLaunch, stillQueued } from './launch.js';
import { buildFailed } from './on-image-build.js';
import { currentAttempt, imageAt, putAttempt, taskAt } from './records.js';
import type { Timer } from './state.js';
import { flushAttemptStop, stopBuild } from './stop.js';
import { heapPeek, heapPop } from './heap.js';
import { takeDueTimer, timerOrder } from './timers.js';
import type { Tx } from './tx.js';

/** Whether a timer would still do something when it comes due (read-only). */
const timerLive = (tx: Tx, timer: Timer): boolean => {
  const ref = timer.ref;
  if (ref.kind === 'build') {
    const img = imageAt(tx, ref.image);
    if (timer.kind === 'relaunch') return img?.status === 'QUEUED';
    return img?.status === 'BUILDING' && img.startedAt !== null && buildDeadline(tx.s, img.startedAt) === timer.at;
  }
  const t = taskAt(tx, ref.job, ref.index);
  if (t === undefined) return false;
  const a = currentAttempt(t);
  if (a.attempt !== ref.attempt) return false;
  if (timer.kind === 'retry') return t.status === 'BACKOFF';
  if (timer.kind === 'relaunch') return t.status === 'QUEUED';
  return a.outcome === null && !a.timedOut && a.deadline === timer.at;
};

/**
 * Drops timers at the top of the heap that no longer apply (the deadline of an attempt that
 * ended, say), so the run does not ask to be woken for nothing. Each timer is dropped once.
 */
export const dropStaleTimers = (tx: Tx): void => {
  for (let top = heapPeek(tx.s.timers); top !== undefined && !timerLive(tx, top); top = heapPeek(tx.s.timers)) {
    tx.s = { ...tx.s, timers: heapPop(tx.s.timers, timerOrder) };
  }
};

/** A build past its deadline: stopped if it was seen running, and failed now either way. */
const buildTimedOut = (tx: Tx, i: number): void => {
  const reason = `the build timed out after ${buildTimeoutSeconds(tx.s)} s`;
  stopBuild(tx, i, reason);
  buildFailed(tx, i, reason, null);
};

const fire = (tx: Tx, timer: Timer): void => {
  const ref = timer.ref;
  if (timer.kind === 'relaunch') {
    if (stillQueued(tx, ref)) enqueueLaunch(tx, ref);
    return;
  }
  if (ref.kind === 'build') {
    if (timer.kind === 'deadline' && timerLive(tx, timer)) buildTimedOut(tx, ref.image);
    return;
  }
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
