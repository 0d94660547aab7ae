/**
 * The simulator as a harness for an embedder's own loop: your code folds each event, persists
 * what it must and says which commands to carry out; the harness plays the cluster and the
 * network around it, with the faults production brings — events twice, late, out of order —
 * and crashes between your save and your acting, after which your loop restarts from what it
 * persisted. A loop that saves too little, or acts before it saves, shows up as a run that
 * never ends, a task started twice or a broken invariant, on a seed that replays it exactly.
 */
import type { Command } from '../run/commands.js';
import type { RunEvent } from '../run/events.js';
import type { RunState } from '../run/state.js';
import { invariantViolations } from './invariants.js';
import type { SimOptions, SimResult } from './simulate.js';
import { simWorld } from './world.js';

/** A value, or a promise of it: the loop's callbacks may be synchronous or not. */
export type Awaitable<T> = T | Promise<T>;

/** The part of your orchestrator the harness drives, with your persistence inside it. */
export interface EmbedderLoop {
  /**
   * One event arrived: fold it into your state (`reduce`), persist the state and the commands
   * it asks for, and return those commands; the harness carries them out (or crashes first).
   */
  readonly receive: (event: RunEvent) => Awaitable<readonly Command[]>;
  /**
   * Your process died after its last save and starts again: forget everything held in memory,
   * load what you persisted, and return the commands you would carry out again now (the saved
   * commands of your last step; carrying one out twice is safe).
   */
  readonly restart: () => Awaitable<readonly Command[]>;
  /** Your loop's current state (after `receive` or `restart`). */
  readonly state: () => Awaitable<RunState>;
}

/** Options of `simulateLoop`: the simulation's, and your loop to drive. */
export interface LoopSimOptions extends SimOptions {
  readonly loop: EmbedderLoop;
}

/** What `simulateLoop` returns: the simulation's result and what your loop did. */
export interface LoopSimResult extends SimResult {
  /** How many times the harness crashed and restarted your loop. */
  readonly restarts: number;
}

/**
 * Drives your loop through one run of `request` against the fake cluster, with `faults`
 * (`crash` is the chance of a crash after each save). `violations` also says when your loop's
 * state breaks the reducer's invariants (`checkInvariants`) or a job launched early.
 */
export const simulateLoop = async (o: LoopSimOptions): Promise<LoopSimResult> => {
  const { rnd, faults, agenda, cluster, violations, history, checkLaunch, result, maxDeliveries: max } = simWorld(o);
  let now = o.request.at;
  let deliveries = 0;
  let commands = 0;
  let restarts = 0;

  for (let entry = agenda.take(); entry !== undefined && deliveries < max; entry = agenda.take()) {
    now = Math.max(now, entry.at);
    if (entry.item.kind === 'act') {
      entry.item.f();
      continue;
    }
    deliveries++;
    const event = entry.item.event;
    if (o.recordHistory) history.push(event);
    const out = await o.loop.receive(event);
    commands += out.length;
    const state = await o.loop.state();
    if (o.checkInvariants) for (const v of invariantViolations(state)) violations.push(`after ${event._tag}: ${v}`);
    for (const c of out) checkLaunch(state, c);
    if (!rnd.chance(faults.crash)) {
      out.forEach((c) => cluster.carryOut(now, c));
      continue;
    }
    // A crash after the save: the commands went out before it, or not at all (even odds); the
    // restarted loop carries out what it persisted, a little later.
    if (rnd.chance(0.5)) out.forEach((c) => cluster.carryOut(now, c));
    restarts++;
    const again = await o.loop.restart();
    const at = now + rnd.int(0, Math.max(1, faults.maxDelayMs));
    agenda.add(at, { kind: 'act', f: () => again.forEach((c) => cluster.carryOut(at, c)) });
  }

  return { ...result(await o.loop.state(), deliveries, commands), restarts };
};
