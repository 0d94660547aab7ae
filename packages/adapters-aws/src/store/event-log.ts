/**
 * A run's event log: one item per event, keyed by a deterministic event id, written with a
 * conditional put so that a webhook, an ECS event or a command result delivered twice is stored
 * once — and, since a failed conditional put writes nothing, enters the table's stream once.
 */
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bodyAttributes, storedBodyOf } from './body.js';
import type { TableContext } from './context.js';
import { EVENT_SK_PREFIX, eventSk, isConditionFailed, runPk } from './table.js';
import { cancellationCodes, fitInTransaction, itemBytes } from './transact.js';

export interface LoggedEvent<E = unknown> {
  /** Deterministic: the same fact always gets the same id (see `event-ids.ts`). */
  readonly id: string;
  readonly runId: string;
  readonly event: E;
  /** When the adapter stored it (ISO); the event carries its own time of happening. */
  readonly storedAt: string;
}

export type AppendResult = 'appended' | 'duplicate';

export interface EventLog {
  readonly append: (e: LoggedEvent) => Promise<AppendResult>;

  /** Every event of a run, in event-id order (for replays, repairs and tests). */
  readonly list: (runId: string) => Promise<LoggedEvent[]>;
}

export const eventItem = async (ctx: TableContext, e: LoggedEvent): Promise<Record<string, unknown>> => ({
  pk: runPk(e.runId),
  sk: eventSk(e.id),
  kind: 'event',
  runId: e.runId,
  eventId: e.id,
  storedAt: e.storedAt,
  ...bodyAttributes(await ctx.codec.pack(e.event, `runs/${e.runId}/events`)),
});

/** Decodes an event item, from a query or from a stream record's NEW_IMAGE (unmarshalled). */
export const loggedEventOf = async (ctx: Pick<TableContext, 'codec'>, item: Record<string, unknown>): Promise<LoggedEvent> => ({
  id: String(item['eventId']),
  runId: String(item['runId']),
  storedAt: String(item['storedAt']),
  event: await ctx.codec.unpack(storedBodyOf(item)),
});

export const eventLog = (ctx: TableContext): EventLog => ({
  append: async (e) => {
    try {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: await eventItem(ctx, e),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'appended';
    } catch (err) {
      if (isConditionFailed(err)) return 'duplicate';
      throw err;
    }
  },
  list: async (runId) => {
    const items = await queryAll(ctx, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
      ExpressionAttributeValues: { ':pk': runPk(runId), ':ev': EVENT_SK_PREFIX },
    });
    return Promise.all(items.map((i) => loggedEventOf(ctx, i)));
  },
});

/**
 * Appends `e` and puts `items` (unconditional, idempotent puts such as the run's metadata) in
 * one transaction; items that do not fit are put first. A duplicate event writes nothing.
 * (A function of its own, so handlers that only append do not bundle it.)
 */
export const appendWith = async (ctx: TableContext, e: LoggedEvent, items: readonly Record<string, unknown>[]): Promise<AppendResult> => {
  const event = await eventItem(ctx, e);
  const { inside, outside } = fitInTransaction(items, itemBytes, { actions: 1, bytes: itemBytes(event) });
  for (const Item of outside) await ctx.doc.send(new PutCommand({ TableName: ctx.tableName, Item }));
  if (inside.length === 0) return eventLog(ctx).append(e);
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: ctx.tableName, Item: event, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...inside.map((Item) => ({ Put: { TableName: ctx.tableName, Item } })),
        ],
      }),
    );
    return 'appended';
  } catch (err) {
    if (cancellationCodes(err)?.[0] === 'ConditionalCheckFailed') return 'duplicate';
    throw err;
  }
};

/** Every page of a query on the base table. */
export const queryAll = async (
  ctx: TableContext,
  input: { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.doc.send(
      new QueryCommand({ TableName: ctx.tableName, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};
