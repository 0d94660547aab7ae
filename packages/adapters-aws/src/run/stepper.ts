/**
 * The run stepper: the one writer of a run's state. Given new events of a run it
 *  1. loads the state item; if the outbox of that version was not carried out (a crash after
 *     saving), carries it out first;
 *  2. folds the events with the core reducer and saves the next version with its commands as
 *     the outbox, conditionally on the version it read (a concurrent writer makes it start over);
 *  3. carries out the commands, keeping their results (deterministic `cmd:` ids) in memory;
 *  4. folds those results at once, until nothing new comes back. The version that folds an
 *     outbox's results is written in one transaction with those results (conditional puts: a
 *     repeat is skipped) and, when the run's status changed, its listing rows; that confirms
 *     the outbox. An outbox whose results changed nothing is marked done at the end, with its
 *     results. The stream handler skips the result events (`cmd:` ids) and the in-process
 *     ticks: their writer folded them already, or its crash left the outbox unconfirmed, and
 *     carrying it out again yields them again.
 * A warm function keeps the version it saved last and starts the next step from it without a
 * read; the conditional write on the version refuses a stale copy.
 * Short wake-ups (launch pacing, retry back-off) are waited for in-process; longer ones arrive
 * as delayed messages (`aws/wakeup-queue.ts`), with the sweep's minute ticks as the safety net.
 */
import { commandResults, initialState, reduce, type Command, type RunEvent, type RunState } from '@hyperp/core';
import type { Interpret } from '../interpret/interpreter.js';
import type { Store } from '../store/store.js';
import { sendAlone, type SavedRun } from '../store/run-states.js';
import type { TransactAction } from '../store/transact.js';
import type { LoggedEvent } from '../store/event-log.js';
import { runMetaOf, type RunMeta } from './meta.js';
import { inlineTickEventId, resultEventId } from './event-ids.js';
import { summaryOf } from './summary.js';
import { storedRunOf, type StoredRun } from './stored-run.js';

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
  /**
   * Shows the run where its users look (the GitHub check run, `report/check-reporter.ts`),
   * after each step, from the state the step saved. It never throws.
   */
  readonly report?: (meta: RunMeta, run: RunState) => Promise<void>;
}

/** What the state item holds: the reducer's state and the adapter's facts about the run. */
export type { StoredRun } from './stored-run.js';

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
/**
 * Tries at carrying out one unconfirmed outbox before it is given up: a crash once or twice is
 * the at-least-once world (a Lambda recycled, a timeout); a third death on the same outbox is a
 * command that kills its function, and would otherwise wedge the run for good.
 */
const MAX_OUTBOX_TRIES = 3;
/** Runs whose last saved version a warm stepper keeps (a 1,000-job run's state is ~2 MB of JSON). */
const WARM_RUNS = 32;

const isLaunch = (c: Command): boolean => c._tag === 'RunTask' || c._tag === 'BuildImage';

const iso = (ms: number): string => new Date(ms).toISOString();

export const stepper = (d: StepperDeps) => {
  /**
   * The last version this stepper saved or read of each run, kept across invocations of a warm
   * function: the stream brings a run's events to the function that stepped it last, so most
   * steps fold onto what they already hold and read nothing. The conditional write on the
   * version makes a stale copy harmless: its save is refused, and the step reads the stored
   * version and folds again. A copy is dropped whenever a step fails or ends unsure of the
   * stored state, so a copy's outbox is always one that was carried out and confirmed.
   */
  const warm = new Map<string, SavedRun<StoredRun, Command>>();
  const keepWarm = (s: SavedRun<StoredRun, Command>) => {
    warm.delete(s.runId);
    warm.set(s.runId, s);
    if (warm.size > WARM_RUNS) warm.delete(warm.keys().next().value!);
  };

  /**
   * Carries out an outbox; the caller folds the results and writes them with the state that
   * folds them. Image records are not written here but returned as writes for that same
   * transaction: like the results, they take effect with the outbox's confirmation, and a crash
   * before it leaves the outbox to be carried out again.
   */
  const carryOut = async (
    runId: string, version: number, outbox: readonly Command[], meta: RunMeta,
  ): Promise<{ events: LoggedEvent<RunEvent>[]; writes: TransactAction[] }> => {
    const events: LoggedEvent<RunEvent>[] = [];
    const writes: TransactAction[] = [];
    const one = async (c: number): Promise<LoggedEvent<RunEvent>[]> => {
      const command = outbox[c]!;
      if (command._tag === 'RecordImage') {
        // The command is the whole record; only the repository is the adapter's own (the reducer
        // knows none). The files of the key were stored by the planner beside the request.
        writes.push(d.store.images.recordAction(command.key, command.imageUri, iso(command.builtAt), {
          repo: meta.repo, workflow: command.workflow, job: command.job, container: command.container, dockerfilePath: command.dockerfilePath,
        }));
        return [];
      }
      return (await d.interpret(command, meta)).map((event, i) => ({ id: resultEventId(version, c, i, event), runId, event, storedAt: iso(d.now()) }));
    };
    for (let c = 0; c < outbox.length; ) {
      // Consecutive launches go out together; everything else in order.
      let end = c + 1;
      if (isLaunch(outbox[c]!)) while (end < outbox.length && end - c < LAUNCH_PARALLEL && isLaunch(outbox[end]!)) end++;
      const batch = await Promise.all(Array.from({ length: end - c }, (_, k) => one(c + k)));
      for (const results of batch) events.push(...results);
      c = end;
    }
    return { events, writes };
  };

  /**
   * The results of an outbox whose carrying out was started `tries` times and never finished
   * (each time the function died in it): every command that reports a result fails as
   * `unknown`, so the reducer sends it again a bounded number of times or fails what it was
   * for, instead of every later step dying on the same outbox — cancel included.
   */
  const givenUp = (runId: string, version: number, outbox: readonly Command[], tries: number) => {
    const events: LoggedEvent<RunEvent>[] = [];
    outbox.forEach((command, c) => {
      if (commandResults[command._tag].length === 0) return;
      const event: RunEvent = {
        _tag: 'CommandFailed', at: d.now(), command, failure: 'unknown',
        reason: `carrying out this command was started ${tries} times and never finished (the function stopped while carrying it out)`,
      };
      events.push({ id: resultEventId(version, c, 0, event), runId, event, storedAt: iso(d.now()) });
    });
    return { events, writes: [] as TransactAction[] };
  };

  const step = async (runId: string, incoming: readonly RunEvent[]): Promise<StepOutcome> => {
    let outcome: StepOutcome;
    try {
      outcome = await stepRun(runId, incoming);
    } catch (e) {
      warm.delete(runId);
      throw e;
    }
    // From the version this step confirmed; a step unsure of it leaves the report to the next one or the sweep.
    const kept = warm.get(runId);
    if (d.report && kept) await d.report(kept.state.meta, kept.state.run);
    return outcome;
  };

  const stepRun = async (runId: string, incoming: readonly RunEvent[]): Promise<StepOutcome> => {
    let queue = [...incoming];
    // Events folded (or about to be) that are not in the log yet: the results of carried-out
    // commands and the stepper's own ticks. They are written with the state that folds them.
    let pending: LoggedEvent<RunEvent>[] = [];
    // Writes of carried-out commands (image records), made with the outbox's confirmation.
    let writes: TransactAction[] = [];
    let versionsSaved = 0;
    let commandsCarriedOut = 0;
    let conflicts = 0;
    // The outbox carried out and not yet confirmed: saving the next version (which folds its
    // results) confirms it; otherwise it is marked done at the end.
    let unconfirmed: number | null = null;

    const loadCurrent = async (fresh: boolean): Promise<{ saved: SavedRun<StoredRun, Command> | undefined; meta: RunMeta | undefined }> => {
      const cached = fresh ? undefined : warm.get(runId);
      let saved = cached;
      let meta = cached?.state.meta;
      if (!cached) {
        warm.delete(runId);
        const r = await d.store.states.loadWithMeta(runId);
        saved = r.saved ? storedRunOf(r.saved) : undefined;
        meta = saved?.state.meta ?? (r.meta ? runMetaOf(runId, r.meta) : undefined);
      }
      if (saved && meta && !saved.outboxDone) {
        const tries = await d.store.states.countOutboxTry(runId, saved.version);
        if (tries === undefined) {
          // Confirmed or superseded since it was read: read again.
          return loadCurrent(true);
        }
        // `tries` counts recoveries; the first carrying out was the step that saved the version.
        const done = tries >= MAX_OUTBOX_TRIES
          ? givenUp(runId, saved.version, saved.outbox, tries)
          : await carryOut(runId, saved.version, saved.outbox, meta);
        d.log(tries >= MAX_OUTBOX_TRIES ? 'an outbox that never finished is given up' : 'carrying out an unconfirmed outbox', {
          runId, version: saved.version, commands: saved.outbox.length, tries,
        });
        queue.push(...done.events.map((r) => r.event));
        pending.push(...done.events);
        writes.push(...done.writes);
        commandsCarriedOut += saved.outbox.length;
        unconfirmed = saved.version;
      }
      return { saved, meta };
    };

    // A step with no events is asked to recover (an unconfirmed outbox, a lost invocation): it
    // reads the stored version. Otherwise the warm copy serves until a write or a read confirms it.
    let { saved, meta } = await loadCurrent(incoming.length === 0);
    let confirmedFresh = incoming.length === 0 || !warm.has(runId);
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
        pending.push({ id: inlineTickEventId(tick.at), runId, event: tick, storedAt: iso(d.now()) });
        queue = [tick];
      }
      if (round >= maxRounds || d.now() - started >= (d.budgetMs ?? BUDGET_MS)) {
        // Out of budget with results not folded: they go to the log (so it stays complete), the
        // outbox stays unconfirmed (carrying it out again yields them), and another step is
        // asked for.
        d.log('step budget used; continuing in another invocation', { runId, rounds: round });
        for (const e of pending) await d.store.events.append(e);
        for (const a of writes) await sendAlone(d.store.ctx, a);
        warm.delete(runId);
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
        if (!confirmedFresh) {
          // Nothing to write means nothing would refuse a stale copy: a version saved elsewhere
          // (with an outbox its crashed writer left) would go unseen. Read it and fold again.
          confirmedFresh = true;
          ({ saved, meta } = await loadCurrent(true));
          if (!meta) break;
          continue;
        }
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
      // The listing rows change with the run's status and end, and are written with this version.
      const listed = !saved || saved.state.run.status !== run.status || run.finishedAt !== saved.state.run.finishedAt;
      const result = await d.store.states.save(next, {
        events: pending,
        writes,
        ...(listed ? { listing: { summary: summaryOf(meta, run, next.version, iso(d.now())), finished: run.finishedAt !== null } } : {}),
      });
      if (result === 'conflict') {
        // Someone else saved first: fold the same events onto their version. Pending events
        // they logged already are skipped when this step saves.
        conflicts++;
        confirmedFresh = true;
        ({ saved, meta } = await loadCurrent(true));
        if (!meta) break;
        continue;
      }
      versionsSaved++;
      confirmedFresh = true;
      unconfirmed = null;
      pending = [];
      writes = [];
      saved = next;
      keepWarm(next);

      const done = await carryOut(runId, next.version, commands, meta);
      queue = done.events.map((r) => r.event);
      pending.push(...done.events);
      writes.push(...done.writes);
      commandsCarriedOut += commands.length;
      if (commands.length > 0) unconfirmed = next.version;
    }
    if (unconfirmed !== null) {
      // Results that changed nothing are logged with the confirmation.
      const confirmed = await d.store.states.markOutboxDone(runId, unconfirmed, { events: pending, writes });
      if (confirmed && saved && saved.version === unconfirmed) keepWarm({ ...saved, outboxDone: true });
      else warm.delete(runId);
    } else {
      // Only ticks that changed nothing can be left here.
      for (const e of pending) await d.store.events.append(e);
      for (const a of writes) await sendAlone(d.store.ctx, a);
    }
    return { versionsSaved, commandsCarriedOut, conflicts };
  };

  return { step };
};
