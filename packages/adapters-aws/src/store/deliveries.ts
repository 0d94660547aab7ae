/**
 * Webhook delivery ids, so a delivery GitHub sends again (a redelivery, a retry after a slow
 * answer) plans nothing twice. Items expire through the table's TTL after a week: GitHub's
 * redelivery UI offers deliveries of the past 3 days (GitHub docs "Redelivering webhooks", read 2026-11).
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from './context.js';
import { DELIVERY_SK, deliveryPk, isConditionFailed } from './table.js';

export const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;

export interface Deliveries {
  /** 'new' the first time an id is claimed, 'duplicate' afterwards. `now` in epoch seconds. */
  readonly claim: (id: string, nowSeconds: number) => Promise<'new' | 'duplicate'>;
  /** Withdraws a claim whose work could not be started, so a redelivery is accepted. */
  readonly release: (id: string) => Promise<void>;
}

export const deliveries = (ctx: TableContext): Deliveries => ({
  claim: async (id, nowSeconds) => {
    try {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: { pk: deliveryPk(id), sk: DELIVERY_SK, kind: 'delivery', ttl: nowSeconds + DELIVERY_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'new';
    } catch (err) {
      if (isConditionFailed(err)) return 'duplicate';
      throw err;
    }
  },
  release: async (id) => {
    await ctx.doc.send(new DeleteCommand({ TableName: ctx.tableName, Key: { pk: deliveryPk(id), sk: DELIVERY_SK } }));
  },
});
