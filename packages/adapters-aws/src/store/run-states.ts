/**
 * The run state item: the fold of the run's events so far, its version, and the commands that
 * fold produced (the outbox). State and outbox are written together with a conditional write on
 * the version, so two stepper invocations on one run cannot both win; the outbox is marked done
 * only after every command was carried out, so a crash in between leaves it to be carried out
 * again (commands are idempotent: clientToken, deterministic names, conditional puts).
 *
 * The events a version folded that are not in the log yet (the results of the previous outbox,
 * the stepper's own ticks) and the run's listing rows, when its summary changed, are written in
 * the same transaction as the state: one call, and the log never holds a result that no saved
 * state folded unless it overflowed the transaction (those are appended just before it).
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bodyAttributes, storedBodyOf } from './body.js';
import type { TableContext } from './context.js';
import { eventItem, eventLog, type LoggedEvent } from './event-log.js';
import { listingActions, type RunSummary } from './run-listing.js';
import { isConditionFailed, META_SK, runPk, STATE_SK } from './table.js';
import { cancellationCodes, fitInTransaction, itemBytes, type TransactAction } from './transact.js';

export interface SavedRun<S = unknown, C = unknown> {
  readonly runId: string;
  /** 1 for the first save; each save adds one. */
  readonly version: number;
  readonly state: S;
  /** Commands of the fold that produced this version. */
  readonly outbox: readonly C[];
  /** True once every outbox command was carried out. */
  readonly outboxDone: boolean;
  /** The run's status, kept beside the body so the sweep can read it without decoding. */
  readonly status: string;
  readonly updatedAt: string;
}

export type SaveResult = 'saved' | 'conflict';

/** What is written with a state version. */
export interface SaveWith {
  /** Events this version folded that are not in the log yet; one already there is skipped. */
  readonly events?: readonly LoggedEvent[];
  /** The run's listing rows, when its summary changed with this version. */
  readonly listing?: { readonly summary: RunSummary; readonly finished: boolean };
  /** Idempotent writes the previous outbox's commands asked for (image records), made with its confirmation. */
  readonly writes?: readonly TransactAction[];
}

/** The partition's metadata item (`META`) as stored, beside the state. */
export type RawItem = Record<string, unknown>;

export interface RunStates {
  readonly load: (runId: string) => Promise<SavedRun | undefined>;
  /** The state and the run's `META` item in one strongly consistent query (they sort next to each other). */
  readonly loadWithMeta: (runId: string) => Promise<{ saved: SavedRun | undefined; meta: RawItem | undefined }>;
  /**
   * Writes version `run.version`, with `extra` in the same transaction; succeeds only if the
   * stored version is `run.version - 1`.
   */
  readonly save: (run: SavedRun, extra?: SaveWith) => Promise<SaveResult>;
  /**
   * Marks the outbox of `version` carried out, with its results that changed nothing and its
   * writes in the same transaction. False, and nothing done, when a newer version was saved since.
   */
  readonly markOutboxDone: (runId: string, version: number, extra?: Omit<SaveWith, 'listing'>) => Promise<boolean>;
  /**
   * Counts one more try at carrying out the unconfirmed outbox of `version` and returns the
   * count (1 for the first recovery); undefined when that version is no longer the stored one or
   * its outbox was confirmed meanwhile. A recovery that kills its function every time (a command
   * that hangs past the timeout, runs out of memory) is seen this way and given up.
   */
  readonly countOutboxTry: (runId: string, version: number) => Promise<number | undefined>;
}

const savedRunOf = async (ctx: TableContext, runId: string, item: RawItem): Promise<SavedRun> => {
  const { state, outbox } = (await ctx.codec.unpack(storedBodyOf(item))) as { state: unknown; outbox: unknown[] };
  return {
    runId,
    version: Number(item['version']),
    state,
    outbox,
    outboxDone: item['outboxDone'] === true,
    status: String(item['status']),
    updatedAt: String(item['updatedAt']),
  };
};

/**
 * Runs `main` (whose condition decides the outcome) with `events` put beside it, conditional on
 * not being logged yet. Events that do not fit are appended first; an event found already logged
 * is dropped and the transaction tried again. False when `main`'s condition failed.
 */
/** One action of a transaction, sent on its own. */
export const sendAlone = async (ctx: TableContext, a: TransactAction): Promise<void> => {
  if (a.Put) await ctx.doc.send(new PutCommand(a.Put as never));
  else if (a.Update) await ctx.doc.send(new UpdateCommand(a.Update as never));
  else throw new Error(`cannot send ${Object.keys(a).join(', ')} alone`);
};

const transactWithEvents = async (
  ctx: TableContext,
  main: TransactAction,
  rows: readonly TransactAction[],
  writes: readonly TransactAction[],
  events: readonly LoggedEvent[],
): Promise<boolean> => {
  // Writes that do not fit (more than ~100 images recorded in one fold) are made first: each is
  // idempotent, and a crash before the state leaves the outbox to be carried out again anyway.
  const fits = fitInTransaction(writes, (a) => Buffer.byteLength(JSON.stringify(a)), { actions: 1 + rows.length, bytes: 0 });
  for (const a of fits.outside) await sendAlone(ctx, a);
  const others = [...rows, ...fits.inside];
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const items = await Promise.all(unique.map(async (e) => ({ e, item: await eventItem(ctx, e) })));
  const mainItem = 'Put' in main && main.Put ? (main.Put.Item as RawItem) : {};
  const { inside, outside } = fitInTransaction(items, (x) => itemBytes(x.item), {
    actions: 1 + others.length,
    bytes: itemBytes(mainItem) + others.reduce((n, a) => n + ('Put' in a && a.Put ? itemBytes(a.Put.Item as RawItem) : 0), 0),
  });
  // Overflow: appended before the state that folds them (a crash in between leaves the outbox
  // unconfirmed; carrying it out again yields the same ids, which are then duplicates).
  const log = eventLog(ctx);
  for (const { e } of outside) await log.append(e);
  let puts = inside;
  for (;;) {
    if (puts.length === 0 && others.length === 0) {
      const { Put, Update } = main as { Put?: unknown; Update?: unknown };
      try {
        if (Put) await ctx.doc.send(new PutCommand(Put as never));
        else await ctx.doc.send(new UpdateCommand(Update as never));
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    }
    const eventActions: TransactAction[] = puts.map(({ item }) => ({
      Put: { TableName: ctx.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
    }));
    try {
      await ctx.doc.send(new TransactWriteCommand({ TransactItems: [main, ...others, ...eventActions] }));
      return true;
    } catch (err) {
      const codes = cancellationCodes(err);
      if (!codes) throw err;
      if (codes[0] === 'ConditionalCheckFailed') return false;
      const logged = new Set(puts.filter((_, i) => codes[1 + others.length + i] === 'ConditionalCheckFailed').map((p) => p.e.id));
      // Cancelled for another reason (a conflicting transaction on one of the items): a fault.
      if (logged.size === 0) throw err;
      puts = puts.filter((p) => !logged.has(p.e.id));
    }
  }
};

export const runStates = (ctx: TableContext): RunStates => ({
  load: async (runId) => {
    const r = await ctx.doc.send(
      new GetCommand({ TableName: ctx.tableName, Key: { pk: runPk(runId), sk: STATE_SK }, ConsistentRead: true }),
    );
    return r.Item ? savedRunOf(ctx, runId, r.Item) : undefined;
  },
  loadWithMeta: async (runId) => {
    // `META` < `STATE` and no other item's sort key falls between them (events are `EV#…`,
    // listings `LIST#…`), so one query reads exactly these two.
    const r = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :meta AND :state',
        ExpressionAttributeValues: { ':pk': runPk(runId), ':meta': META_SK, ':state': STATE_SK },
        ConsistentRead: true,
      }),
    );
    const items = r.Items ?? [];
    const state = items.find((i) => i['sk'] === STATE_SK);
    return { saved: state ? await savedRunOf(ctx, runId, state) : undefined, meta: items.find((i) => i['sk'] === META_SK) };
  },
  save: async (run, extra = {}) => {
    const body = await ctx.codec.pack({ state: run.state, outbox: run.outbox }, `runs/${run.runId}/state`);
    const put: TransactAction = {
      Put: {
        TableName: ctx.tableName,
        Item: {
          pk: runPk(run.runId),
          sk: STATE_SK,
          kind: 'state',
          runId: run.runId,
          version: run.version,
          outboxDone: run.outboxDone,
          status: run.status,
          updatedAt: run.updatedAt,
          ...bodyAttributes(body),
        },
        ...(run.version === 1
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :prev', ExpressionAttributeValues: { ':prev': run.version - 1 } }),
      },
    };
    const listing = extra.listing ? listingActions(ctx, extra.listing.summary, extra.listing.finished, false) : [];
    return (await transactWithEvents(ctx, put, listing, extra.writes ?? [], extra.events ?? [])) ? 'saved' : 'conflict';
  },
  countOutboxTry: async (runId, version) => {
    try {
      const r = await ctx.doc.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: { pk: runPk(runId), sk: STATE_SK },
          UpdateExpression: 'SET outboxTries = if_not_exists(outboxTries, :zero) + :one',
          ConditionExpression: 'version = :v AND outboxDone = :f',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':v': version, ':f': false },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(r.Attributes?.['outboxTries'] ?? 1);
    } catch (e) {
      if (isConditionFailed(e)) return undefined;
      throw e;
    }
  },
  markOutboxDone: async (runId, version, extra = {}) => {
    const update: TransactAction = {
      Update: {
        TableName: ctx.tableName,
        Key: { pk: runPk(runId), sk: STATE_SK },
        UpdateExpression: 'SET outboxDone = :t',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':t': true, ':v': version },
      },
    };
    return transactWithEvents(ctx, update, [], extra.writes ?? [], extra.events ?? []);
  },
});
