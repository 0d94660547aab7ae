/**
 * The run stepper: the one writer of a run's state. Given new events of a run it
 *  1. loads the state item; if the outbox of that version was not carried out (a crash after
 *     saving), carries it out first;
 *  2. folds the events with the core reducer and saves the next version with its commands as
 *     the outbox, conditionally on the version it read (a concurrent writer makes it start over);
 *  3. carries out the commands, appends their results as events (conditional puts: a repeat is a
 *     no-op) and marks the outbox done;
 *  4. folds those results at once (the stream delivers them again later; the reducer ignores
 *     what it has seen), until nothing new comes back.
 * Short wake-ups (launch pacing, retry back-off) are waited for in-process; longer ones are left
 * to the sweep's minute ticks.
 */
import { initialState, reduce, type Command, type RunEvent, type RunState } from '@hyperp/core';
import type { Interpret } from '../interpret/interpreter.js';
import type { Store } from '../store/store.js';
import type { SavedRun } from '../store/run-states.js';
import { getRunMeta, type RunMeta } from './meta.js';
import { resultEventId, tickEventId } from './event-ids.js';
import { summaryOf } from './summary.js';

export interface StepperDeps {
  readonly store: Store;
  readonly interpret: Interpret;
  /** Epoch ms. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Wake-ups at most this far ahead are waited for in-process. */
  readonly inlineWaitMs: number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

/** What the state item holds: the reducer's state and the adapter's facts about the run. */
export interface StoredRun {
  readonly run: RunState;
  readonly meta: RunMeta;
}

export type StepOutcome = {
  readonly versionsSaved: number;
  readonly commandsCarriedOut: number;
  readonly conflicts: number;
};

/** Bounds one invocation; whatever is left waits for the next stream record or sweep tick. */
const MAX_ROUNDS = 50;

const iso = (ms: number): string => new Date(ms).toISOString();

export const stepper = (d: StepperDeps) => {
  const carryOut = async (runId: string, version: number, outbox: readonly Command[], meta: RunMeta): Promise<RunEvent[]> => {
    const results: RunEvent[] = [];
    for (let c = 0; c < outbox.length; c++) {
      const events = await d.interpret(outbox[c]!, meta);
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        await d.store.events.append({ id: resultEventId(version, c, i, event), runId, event, storedAt: iso(d.now()) });
        results.push(event);
      }
    }
    if (outbox.length > 0) await d.store.states.markOutboxDone(runId, version);
    return results;
  };

  const step = async (runId: string, incoming: readonly RunEvent[]): Promise<StepOutcome> => {
    let queue = [...incoming];
    let versionsSaved = 0;
    let commandsCarriedOut = 0;
    let conflicts = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const saved = (await d.store.states.load(runId)) as SavedRun<StoredRun, Command> | undefined;
      const meta = saved?.state.meta ?? (await getRunMeta(d.store.ctx, runId));
      if (!meta) {
        d.log('events for a run with no metadata; ignored', { runId, events: queue.length });
        return { versionsSaved, commandsCarriedOut, conflicts };
      }
      if (saved && !saved.outboxDone) {
        d.log('carrying out an unconfirmed outbox', { runId, version: saved.version, commands: saved.outbox.length });
        queue.push(...(await carryOut(runId, saved.version, saved.outbox, meta)));
        commandsCarriedOut += saved.outbox.length;
      }
      if (queue.length === 0) break;

      const before = saved?.state.run ?? initialState();
      let run = before;
      const commands: Command[] = [];
      for (const e of queue) {
        const [next, cmds] = reduce(run, e);
        run = next;
        commands.push(...cmds);
      }
      if (commands.length === 0 && saved && JSON.stringify(run) === JSON.stringify(before)) break;

      const version = (saved?.version ?? 0) + 1;
      const result = await d.store.states.save({
        runId,
        version,
        state: { run, meta },
        outbox: commands,
        outboxDone: commands.length === 0,
        status: run.status,
        updatedAt: iso(d.now()),
      });
      if (result === 'conflict') {
        conflicts++;
        continue; // someone else saved first: fold the same events onto their version
      }
      versionsSaved++;
      if (!saved || saved.state.run.status !== run.status || run.finishedAt !== saved.state.run.finishedAt) {
        const summary = summaryOf(meta, run, version, iso(d.now()));
        await d.store.listing.put(summary, run.finishedAt !== null);
      }

      queue = await carryOut(runId, version, commands, meta);
      commandsCarriedOut += commands.length;

      const wakeups = commands.filter((c): c is Extract<Command, { _tag: 'ScheduleWakeup' }> => c._tag === 'ScheduleWakeup');
      if (queue.length === 0 && wakeups.length > 0) {
        const at = Math.min(...wakeups.map((w) => w.at));
        const wait = at - d.now();
        if (wait > d.inlineWaitMs) break;
        if (wait > 0) await d.sleep(wait);
        const tick: RunEvent = { _tag: 'Tick', at: Math.max(at, d.now()) };
        await d.store.events.append({ id: tickEventId(tick.at), runId, event: tick, storedAt: iso(d.now()) });
        queue = [tick];
      }
      if (queue.length === 0) break;
    }
    return { versionsSaved, commandsCarriedOut, conflicts };
  };

  return { step };
};
