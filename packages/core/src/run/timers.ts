/**
 * Timers and wake-ups. Timers live in a persistent heap ordered by time; whenever the clock moves
 * (any event), the due ones fire. The run asks for one `ScheduleWakeup` at a time, for the
 * earliest moment it must act, so an adapter with no other events still delivers a `Tick` then.
 */
import { heapPeek, heapPop, heapPush } from './heap.js';
import { queueLength } from './queue.js';
import type { LaunchRef, Timer } from './state.js';
import { emit, runIdOf, type Tx } from './tx.js';
import { nextLaunchSlotAt } from './pacing.js';
import { nextRetryAt } from './command-retries.js';

const refOrder = (a: LaunchRef, b: LaunchRef): number =>
  a.kind !== b.kind ? (a.kind === 'build' ? -1 : 1)
  : a.kind === 'build' ? a.image - (b as typeof a).image
  : a.job - (b as typeof a).job || a.index - (b as typeof a).index || a.attempt - (b as typeof a).attempt;

const kindRank = { deadline: 0, relaunch: 1, retry: 2 } as const;

/** Earliest first; ties in a fixed order so replays fire timers identically. */
export const timerOrder = (a: Timer, b: Timer): number =>
  a.at - b.at || kindRank[a.kind] - kindRank[b.kind] || refOrder(a.ref, b.ref);

export const addTimer = (tx: Tx, timer: Timer): void => {
  tx.s = { ...tx.s, timers: heapPush(tx.s.timers, timer, timerOrder) };
};

/** Takes the next timer due at or before the clock, if any. */
export const takeDueTimer = (tx: Tx): Timer | undefined => {
  const top = heapPeek(tx.s.timers);
  if (top === undefined || top.at > tx.s.now) return undefined;
  tx.s = { ...tx.s, timers: heapPop(tx.s.timers, timerOrder) };
  return top;
};

/** Asks for a wake-up at the earliest time the run must act, unless one at or before it is pending. */
export const scheduleWakeup = (tx: Tx): void => {
  const timer = heapPeek(tx.s.timers)?.at;
  const slot = queueLength(tx.s.launchQueue) > 0 ? nextLaunchSlotAt(tx.s) : undefined;
  const candidates = [timer, slot, nextRetryAt(tx.s)].filter((t): t is number => t !== undefined && t > tx.s.now);
  if (candidates.length === 0) return;
  const at = Math.min(...candidates);
  if (tx.s.wakeupAt !== null && tx.s.wakeupAt > tx.s.now && tx.s.wakeupAt <= at) return;
  tx.s = { ...tx.s, wakeupAt: at };
  emit(tx, { _tag: 'ScheduleWakeup', runId: runIdOf(tx), at });
};
