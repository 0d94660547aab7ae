/**
 * The deterministic simulator: drives `reduce` against a fake cluster on simulated time, with
 * faults an adapter meets in production — events delivered twice, late or out of order, and a
 * crash after the state was saved but before its commands were carried out (the commands are
 * then carried out again). Seeded, so any failing history replays exactly. Usable by anyone
 * embedding the core to try their workflow shapes and failure modes.
 */
import type { RunEvent, RunRequested } from '../run/events.js';
import { reduce } from '../run/reduce.js';
import { initialState, type RunState } from '../run/state.js';
import type { ClusterModel } from './cluster.js';
import { invariantViolations } from './invariants.js';
import { simWorld } from './world.js';

/**
 * The faults a simulation injects: duplicate and delayed deliveries (with the longest delay) and
 * crashes between save and act.
 */
export interface SimFaults {
  /** Probability that an event is delivered a second time, later. */
  readonly duplicate: number;
  /** Probability that an event is delivered late (which reorders it). */
  readonly delay: number;
  /** Upper bound of a delay, ms. */
  readonly maxDelayMs: number;
  /**
   * Probability that the adapter crashes after saving a state: its commands were carried out
   * before the crash or not at all (even odds), and are carried out again after a restart.
   */
  readonly crash: number;
}

export { noFaults } from './world.js';

/** Options of `simulate`: the seed, the request, the cluster model, the faults and what to record. */
export interface SimOptions {
  readonly seed: number;
  readonly request: RunRequested;
  readonly model: ClusterModel;
  readonly faults?: SimFaults;
  /** Deliver a `CancelRequested` at this time. */
  readonly cancelAt?: number;
  /** Give up after this many deliveries (a run that never ends). Default 200,000. */
  readonly maxDeliveries?: number;
  /** Check the state's counters against its records after every event (slow on large runs). */
  readonly checkInvariants?: boolean;
  /** Keep every delivered event (a replayable history). */
  readonly recordHistory?: boolean;
}

/**
 * What `simulate` returns: the final state, the makespan, starts per token, invariant violations
 * and, when asked, the history.
 */
export interface SimResult {
  readonly state: RunState;
  /** The run reached SUCCEEDED, FAILED or CANCELLED. */
  readonly terminated: boolean;
  readonly deliveries: number;
  /** Run end minus request time (ms); null if it never ended. */
  readonly makespanMs: number | null;
  /** The most tasks one clientToken really started (1 is right). */
  readonly maxStartsPerToken: number;
  readonly tasksStarted: number;
  /** Tasks or builds still running in the cluster once everything was delivered. */
  readonly leftRunning: number;
  readonly throttled: number;
  readonly commands: number;
  /** Things that must never happen: a job launched before a dependency succeeded, broken counters. */
  readonly violations: readonly string[];
  readonly history: readonly RunEvent[];
}

/**
 * Runs a request through the reducer against a fake cluster with the faults production brings; a
 * seed replays the same history.
 */
export const simulate = (o: SimOptions): SimResult => {
  const { rnd, faults, agenda, cluster, violations, history, checkLaunch, result, maxDeliveries: max } = simWorld(o);
  let now = o.request.at;

  let state = initialState();
  let deliveries = 0;
  let commands = 0;

  for (let entry = agenda.take(); entry !== undefined && deliveries < max; entry = agenda.take()) {
    now = Math.max(now, entry.at);
    if (entry.item.kind === 'act') {
      entry.item.f();
      continue;
    }
    deliveries++;
    if (o.recordHistory) history.push(entry.item.event);
    const [next, out] = reduce(state, entry.item.event);
    state = next;
    commands += out.length;
    if (o.checkInvariants) for (const v of invariantViolations(state)) violations.push(`after ${entry.item.event._tag}: ${v}`);
    for (const c of out) checkLaunch(state, c);
    // A crash after the state was saved: the commands were carried out before it, or not at
    // all, and the restarted adapter carries them out (again) a little later.
    const crashed = rnd.chance(faults.crash);
    if (!crashed || rnd.chance(0.5)) out.forEach((c) => cluster.carryOut(now, c));
    if (crashed) {
      const again = now + rnd.int(0, Math.max(1, faults.maxDelayMs));
      agenda.add(again, { kind: 'act', f: () => out.forEach((c) => cluster.carryOut(again, c)) });
    }
  }

  return result(state, deliveries, commands);
};
