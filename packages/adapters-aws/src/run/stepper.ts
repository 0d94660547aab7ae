/**
 * The run stepper: the one writer of a run's state. Given new events of a run it
 *  1. loads the state item; if the outbox of that version was not carried out (a crash after
 *     saving), carries it out first;
 *  2. folds the events with the core reducer and saves the next version with its commands as
 *     the outbox, conditionally on the version it read (a concurrent writer makes it start over);
 *  3. carries out the commands and appends their results as events (conditional puts: a repeat
 *     is a no-op);
 *  4. folds those results at once, until nothing new comes back. Saving the version that folds
 *     an outbox's results confirms that outbox; an outbox whose results changed nothing is
 *     marked done at the end. The stream handler skips the result events (`cmd:` ids) and the
 *     in-process ticks: their writer folded them already, or its crash left the outbox
 *     unconfirmed, and carrying it out again yields them again.
 * Short wake-ups (launch pacing, retry back-off) are waited for in-process; longer ones are left
 * to the sweep's minute ticks.
 */
import { initialState, reduce, type Command, type RunEvent, type RunState } from '@hyperp/core';
import type { Interpret } from '../interpret/interpreter.js';
import type { Store } from '../store/store.js';
import type { SavedRun } from '../store/run-states.js';
import { getRunMeta, type RunMeta } from './meta.js';
import { inlineTickEventId, resultEventId } from './event-ids.js';
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
  /** Carries out an outbox and appends the results; the caller folds them. */
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
    return results;
  };

  const step = async (runId: string, incoming: readonly RunEvent[]): Promise<StepOutcome> => {
    let queue = [...incoming];
    let versionsSaved = 0;
    let commandsCarriedOut = 0;
    let conflicts = 0;
    // The outbox carried out and not yet confirmed: saving the next version (which folds its
    // results) confirms it; otherwise it is marked done at the end.
    let unconfirmed: number | null = null;

    const loadCurrent = async (): Promise<{ saved: SavedRun<StoredRun, Command> | undefined; meta: RunMeta | undefined }> => {
      const saved = (await d.store.states.load(runId)) as SavedRun<StoredRun, Command> | undefined;
      const meta = saved?.state.meta ?? (await getRunMeta(d.store.ctx, runId));
      if (saved && meta && !saved.outboxDone) {
        d.log('carrying out an unconfirmed outbox', { runId, version: saved.version, commands: saved.outbox.length });
        queue.push(...(await carryOut(runId, saved.version, saved.outbox, meta)));
        commandsCarriedOut += saved.outbox.length;
        unconfirmed = saved.version;
      }
      return { saved, meta };
    };

    let { saved, meta } = await loadCurrent();
    if (!meta) {
      d.log('events for a run with no metadata; ignored', { runId, events: queue.length });
      return { versionsSaved, commandsCarriedOut, conflicts };
    }
    for (let round = 0; round < MAX_ROUNDS && queue.length > 0; round++) {
      const before = saved?.state.run ?? initialState();
      let run = before;
      const commands: Command[] = [];
      for (const e of queue) {
        const [next, cmds] = reduce(run, e);
        run = next;
        commands.push(...cmds);
      }
      if (commands.length === 0 && saved && JSON.stringify(run) === JSON.stringify(before)) break;

      const next: SavedRun<StoredRun, Command> = {
        runId,
        version: (saved?.version ?? 0) + 1,
        state: { run, meta },
        outbox: commands,
        outboxDone: commands.length === 0,
        status: run.status,
        updatedAt: iso(d.now()),
      };
      if ((await d.store.states.save(next)) === 'conflict') {
        // Someone else saved first: fold the same events onto their version.
        conflicts++;
        ({ saved, meta } = await loadCurrent());
        if (!meta) break;
        continue;
      }
      versionsSaved++;
      unconfirmed = null;
      if (!saved || saved.state.run.status !== run.status || run.finishedAt !== saved.state.run.finishedAt) {
        await d.store.listing.put(summaryOf(meta, run, next.version, iso(d.now())), run.finishedAt !== null);
      }
      saved = next;

      queue = await carryOut(runId, next.version, commands, meta);
      commandsCarriedOut += commands.length;
      if (commands.length > 0) unconfirmed = next.version;

      const wakeups = commands.filter((c): c is Extract<Command, { _tag: 'ScheduleWakeup' }> => c._tag === 'ScheduleWakeup');
      if (queue.length === 0 && wakeups.length > 0) {
        const at = Math.min(...wakeups.map((w) => w.at));
        const wait = at - d.now();
        if (wait > d.inlineWaitMs) break;
        if (wait > 0) await d.sleep(wait);
        const tick: RunEvent = { _tag: 'Tick', at: Math.max(at, d.now()) };
        await d.store.events.append({ id: inlineTickEventId(tick.at), runId, event: tick, storedAt: iso(d.now()) });
        queue = [tick];
      }
    }
    if (unconfirmed !== null) await d.store.states.markOutboxDone(runId, unconfirmed);
    return { versionsSaved, commandsCarriedOut, conflicts };
  };

  return { step };
};
