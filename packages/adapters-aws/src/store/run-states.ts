/**
 * The run state item: the fold of the run's events so far, its version, and the commands that
 * fold produced (the outbox). State and outbox are written together with a conditional write on
 * the version, so two stepper invocations on one run cannot both win; the outbox is marked done
 * only after every command was carried out, so a crash in between leaves it to be carried out
 * again (commands are idempotent: clientToken, deterministic names, conditional puts).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bodyAttributes, storedBodyOf } from './body.js';
import type { TableContext } from './context.js';
import { isConditionFailed, runPk, STATE_SK } from './table.js';

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

export interface RunStates {
  readonly load: (runId: string) => Promise<SavedRun | undefined>;
  /** Writes version `run.version`; succeeds only if the stored version is `run.version - 1`. */
  readonly save: (run: SavedRun) => Promise<SaveResult>;
  /** Marks the outbox of `version` carried out; a no-op when a newer version was saved since. */
  readonly markOutboxDone: (runId: string, version: number) => Promise<void>;
}

export const runStates = (ctx: TableContext): RunStates => ({
  load: async (runId) => {
    const r = await ctx.doc.send(
      new GetCommand({ TableName: ctx.tableName, Key: { pk: runPk(runId), sk: STATE_SK }, ConsistentRead: true }),
    );
    const item = r.Item;
    if (!item) return undefined;
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
  },
  save: async (run) => {
    const body = await ctx.codec.pack({ state: run.state, outbox: run.outbox }, `runs/${run.runId}/state`);
    try {
      await ctx.doc.send(
        new PutCommand({
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
        }),
      );
      return 'saved';
    } catch (err) {
      if (isConditionFailed(err)) return 'conflict';
      throw err;
    }
  },
  markOutboxDone: async (runId, version) => {
    try {
      await ctx.doc.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: { pk: runPk(runId), sk: STATE_SK },
          UpdateExpression: 'SET outboxDone = :t',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':t': true, ':v': version },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  },
});
