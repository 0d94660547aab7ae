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
 * Short wake-ups (launch pacing, retry back-off) are waited for in-process; longer ones arrive
 * as delayed messages (`aws/wakeup-queue.ts`), with the sweep's minute ticks as the safety net.
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
  /**
   * Asks for another step of the run soon, with the events this one had not folded yet
   * (production: the stepper function invoked asynchronously with `{runId, events}`), when this
   * one stops at its budget with work left.
   */
  readonly continueLater?: (runId: string, events: readonly RunEvent[]) => Promise<void>;
  /** Folds per invocation (default 50). */
  readonly maxRounds?: number;
  /** Time per invocation, waits included (default 60 s): well inside the Lambda timeout. */
  readonly budgetMs?: number;
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

const MAX_ROUNDS = 50;
const BUDGET_MS = 60_000;
/**
 * An in-process wait lasts at least this long: launch pacing frees a slot every 50 ms, and one
 * fold per slot would rewrite the state item 20 times a second (a 70 KB item at that rate is
 * above DynamoDB's 1,000 write units per second per partition); a second batches ~20 launches.
 */
const MIN_INLINE_WAIT_MS = 1_000;
/** Launches of one fold carried out at once (RunTask is idempotent per clientToken; order is free). */
const LAUNCH_PARALLEL = 10;

const isLaunch = (c: Command): boolean => c._tag === 'RunTask' || c._tag === 'BuildImage';

const iso = (ms: number): string => new Date(ms).toISOString();

export const stepper = (d: StepperDeps) => {
  /** Carries out an outbox and appends the results; the caller folds them. */
  const carryOut = async (runId: string, version: number, outbox: readonly Command[], meta: RunMeta): Promise<RunEvent[]> => {
    const results: RunEvent[] = [];
    const one = async (c: number): Promise<RunEvent[]> => {
      const events = await d.interpret(outbox[c]!, meta);
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        await d.store.events.append({ id: resultEventId(version, c, i, event), runId, event, storedAt: iso(d.now()) });
      }
      return events;
    };
    for (let c = 0; c < outbox.length; ) {
      // Consecutive launches go out together; everything else in order.
      let end = c + 1;
      if (isLaunch(outbox[c]!)) while (end < outbox.length && end - c < LAUNCH_PARALLEL && isLaunch(outbox[end]!)) end++;
      const batch = await Promise.all(Array.from({ length: end - c }, (_, k) => one(c + k)));
      for (const events of batch) results.push(...events);
      c = end;
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
    const started = d.now();
    let lastTick: number | null = null;
    const maxRounds = d.maxRounds ?? MAX_ROUNDS;
    for (let round = 0; ; round++) {
      if (queue.length === 0) {
        // Nothing left to fold: wait in-process for the run's next wake-up if it is near.
        const at = saved?.state.run.wakeupAt ?? null;
        if (at === null || at - d.now() > d.inlineWaitMs || round >= maxRounds || d.now() - started >= (d.budgetMs ?? BUDGET_MS)) break;
        // A wake-up a tick has already passed is the reducer's to clear, not ours to spin on.
        if (lastTick !== null && at <= lastTick) break;
        await d.sleep(Math.max(at - d.now(), MIN_INLINE_WAIT_MS));
        const tick: RunEvent = { _tag: 'Tick', at: d.now() };
        lastTick = tick.at;
        await d.store.events.append({ id: inlineTickEventId(tick.at), runId, event: tick, storedAt: iso(d.now()) });
        queue = [tick];
      }
      if (round >= maxRounds || d.now() - started >= (d.budgetMs ?? BUDGET_MS)) {
        // Out of budget with results not folded: the outbox stays unconfirmed (carrying it out
        // again yields them), and another step is asked for.
        d.log('step budget used; continuing in another invocation', { runId, rounds: round });
        if (d.continueLater) await d.continueLater(runId, queue);
        return { versionsSaved, commandsCarriedOut, conflicts };
      }
      const before = saved?.state.run ?? initialState();
      let run = before;
      const commands: Command[] = [];
      for (const e of queue) {
        const [next, cmds] = reduce(run, e);
        run = next;
        commands.push(...cmds);
      }
      if (commands.length === 0 && saved && JSON.stringify(run) === JSON.stringify(before)) {
        queue = [];
        if (run.wakeupAt === null) break;
        continue;
      }

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
    }
    if (unconfirmed !== null) await d.store.states.markOutboxDone(runId, unconfirmed);
    return { versionsSaved, commandsCarriedOut, conflicts };
  };

  return { step };
};
