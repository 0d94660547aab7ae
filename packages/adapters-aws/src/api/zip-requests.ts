/**
 * Zips made on request (`GET …/download` of a job the run did not zip): started once, followed
 * through the run's log. Zipping a large output takes longer than an API answer may (the API
 * function's timeout is 300 s, the EFS helper's 900 s), so the API invokes the helper
 * asynchronously and answers "preparing"; the helper appends the result to the run's log under
 * an id of the attempt (`zip:{job}:{attempt}:{result}`), and later requests read it there.
 *
 * One item per run and job, `DOWNLOAD#{runId}` / `{job}`, holds the current attempt and when it
 * started. Writes are conditional on the attempt, so concurrent requests start one zip, not two.
 * Asynchronous invocations are queued and retried twice on error, with up to six hours of queue
 * age by default (Lambda Developer Guide, "Asynchronous invocation" and "Error handling and
 * automatic retries", read 2026-12); an attempt with no result after `STALE_MS` (three tries of
 * the 900 s helper and Lambda's retry delays) is taken as lost and started again.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { zipAttemptEventId } from '../handlers/efs.js';
import { loggedEventOf } from '../store/event-log.js';
import type { TableContext } from '../store/context.js';
import { eventSk, isConditionFailed, runPk } from '../store/table.js';

export const STALE_MS = 50 * 60_000;
/** Kept a week, like a presigned answer's zip (the table's TTL attribute). */
const TTL_SECONDS = 7 * 24 * 3600;

export interface ZipAttempt {
  readonly attempt: number;
  /** Epoch ms. */
  readonly startedAt: number;
  /** The attempt whose failure a request was already told of. */
  readonly reported: number;
}

export type ZipOutcome =
  | { readonly _tag: 'Ready'; readonly location: string }
  | { readonly _tag: 'Failed'; readonly reason: string }
  | { readonly _tag: 'Running' };

const key = (runId: string, job: string) => ({ pk: `DOWNLOAD#${runId}`, sk: job });

export const zipRequests = (ctx: TableContext) => ({
  get: async (runId: string, job: string): Promise<ZipAttempt | null> => {
    const r = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: key(runId, job), ConsistentRead: true }));
    if (!r.Item) return null;
    return { attempt: Number(r.Item['attempt']), startedAt: Number(r.Item['startedAt']), reported: Number(r.Item['reported'] ?? 0) };
  },

  /**
   * Claims attempt `next` (the first, or the one after `previous`): false when another request
   * claimed it first.
   */
  claim: async (runId: string, job: string, previous: ZipAttempt | null, now: number): Promise<ZipAttempt | null> => {
    const next: ZipAttempt = { attempt: (previous?.attempt ?? 0) + 1, startedAt: now, reported: previous?.reported ?? 0 };
    try {
      await ctx.doc.send(new PutCommand({
        TableName: ctx.tableName,
        Item: { ...key(runId, job), kind: 'zip-request', ...next, ttl: Math.floor(now / 1000) + TTL_SECONDS },
        ...(previous
          ? { ConditionExpression: 'attempt = :a', ExpressionAttributeValues: { ':a': previous.attempt } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }));
      return next;
    } catch (e) {
      if (isConditionFailed(e)) return null;
      throw e;
    }
  },

  /** Records that a request was told of this attempt's failure; false when another request was first. */
  report: async (runId: string, job: string, z: ZipAttempt, now: number): Promise<boolean> => {
    try {
      await ctx.doc.send(new PutCommand({
        TableName: ctx.tableName,
        Item: { ...key(runId, job), kind: 'zip-request', ...z, reported: z.attempt, ttl: Math.floor(now / 1000) + TTL_SECONDS },
        ConditionExpression: 'attempt = :a AND reported < :a',
        ExpressionAttributeValues: { ':a': z.attempt },
      }));
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },

  /** Withdraws an attempt that could not be started, so the next request starts it again. */
  withdraw: async (runId: string, job: string, z: ZipAttempt): Promise<void> => {
    try {
      await ctx.doc.send(new DeleteCommand({
        TableName: ctx.tableName, Key: key(runId, job), ConditionExpression: 'attempt = :a', ExpressionAttributeValues: { ':a': z.attempt },
      }));
    } catch (e) {
      if (!isConditionFailed(e)) throw e;
    }
  },

  /** The attempt's result as the EFS helper logged it, if it has. */
  outcome: async (runId: string, job: string, attempt: number): Promise<ZipOutcome> => {
    const prefix = eventSk(`zip:${job}:${attempt}:`);
    const r = await ctx.doc.send(new QueryCommand({
      TableName: ctx.tableName, ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': runPk(runId), ':p': prefix },
    }));
    const events = await Promise.all((r.Items ?? []).map((i) => loggedEventOf(ctx, i)));
    const ready = events.find((e) => e.id === zipAttemptEventId(job, attempt, 'DownloadableReady'));
    // A retry of the helper can succeed after a failure was logged: success wins.
    if (ready) return { _tag: 'Ready', location: (ready.event as { location: string }).location };
    const failed = events.find((e) => e.id === zipAttemptEventId(job, attempt, 'DownloadableFailed'));
    if (failed) return { _tag: 'Failed', reason: (failed.event as { reason: string }).reason };
    return { _tag: 'Running' };
  },
});

export type ZipRequests = ReturnType<typeof zipRequests>;
