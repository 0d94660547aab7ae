/**
 * What was last sent to GitHub for a run's check run: the `CHECK` item of the run's partition.
 * While the run's final state has not reached GitHub the item is in the `gsi1` index under
 * `CHECKS#PENDING`, which the sweep walks (`report/check-reporter.ts`), so a report lost to a
 * crash, a rate limit or GitHub being down is sent later; once the final state was sent the
 * index key is removed and the run leaves the index.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckSent } from '@hyperp/core/internal';
import type { TableContext } from './context.js';
import { GSI1, runPk } from './table.js';

export const CHECK_SK = 'CHECK';
export const CHECKS_PENDING = 'CHECKS#PENDING';

export interface CheckRecord {
  readonly runId: string;
  /** GitHub's id of the check run; null until it was created. */
  readonly checkRunId: number | null;
  /** What was last sent; null before anything was. */
  readonly sent: CheckSent | null;
  /** The final state was sent: nothing more to do. */
  readonly final: boolean;
}

export interface CheckRecords {
  readonly get: (runId: string) => Promise<CheckRecord | undefined>;
  readonly put: (r: CheckRecord) => Promise<void>;
  /** Runs whose final state has not reached GitHub yet, oldest first. */
  readonly pending: (limit: number) => Promise<string[]>;
}

export const checkRecords = (ctx: TableContext): CheckRecords => ({
  get: async (runId) => {
    const r = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: { pk: runPk(runId), sk: CHECK_SK } }));
    const i = r.Item;
    if (!i) return undefined;
    return {
      runId,
      checkRunId: typeof i['checkRunId'] === 'number' ? i['checkRunId'] : null,
      sent: typeof i['digest'] === 'string' ? { status: i['status'] as CheckSent['status'], digest: i['digest'], at: Number(i['at']) } : null,
      final: i['final'] === true,
    };
  },
  put: async (r) => {
    await ctx.doc.send(new PutCommand({
      TableName: ctx.tableName,
      Item: {
        pk: runPk(r.runId), sk: CHECK_SK, kind: 'check', runId: r.runId, final: r.final,
        ...(r.checkRunId !== null ? { checkRunId: r.checkRunId } : {}),
        ...(r.sent ? { status: r.sent.status, digest: r.sent.digest, at: r.sent.at } : {}),
        // Sparse: only unfinished reports are in the index the sweep reads.
        ...(r.final ? {} : { gsi1pk: CHECKS_PENDING, gsi1sk: r.runId }),
      },
    }));
  },
  pending: async (limit) => {
    const r = await ctx.doc.send(new QueryCommand({
      TableName: ctx.tableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': CHECKS_PENDING }, Limit: limit,
    }));
    return (r.Items ?? []).map((i) => String(i['runId']));
  },
});
