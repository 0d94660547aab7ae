/**
 * The image store: which content-addressed image keys have an image in ECR, and when each was
 * last used (the ECR lifecycle expires by time since last use, never an image still in use).
 */
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from './context.js';
import { IMAGE_SK, imagePk } from './table.js';

export interface StoredImage {
  readonly key: string;
  readonly uri: string;
  readonly builtAt: string;
  readonly lastUsedAt: string;
}

export interface ImageStore {
  /** The stored images among `keys` (absent keys have no image). */
  readonly get: (keys: readonly string[]) => Promise<Map<string, StoredImage>>;
  /** Records a built image, or refreshes its last use; keeps the first build time. */
  readonly record: (key: string, uri: string, at: string) => Promise<void>;
}

/** BatchGetItem reads at most 100 keys per call (DynamoDB API reference, read 2026-11). */
const BATCH_GET_LIMIT = 100;

export const imageStore = (ctx: TableContext): ImageStore => ({
  get: async (keys) => {
    const found = new Map<string, StoredImage>();
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [ctx.tableName]: { Keys: unique.slice(i, i + BATCH_GET_LIMIT).map((k) => ({ pk: imagePk(k), sk: IMAGE_SK })) },
      };
      while (request && Object.keys(request).length > 0) {
        const r = await ctx.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of r.Responses?.[ctx.tableName] ?? []) {
          const image = {
            key: String(item['key']),
            uri: String(item['uri']),
            builtAt: String(item['builtAt']),
            lastUsedAt: String(item['lastUsedAt']),
          };
          found.set(image.key, image);
        }
        request = r.UnprocessedKeys as typeof request;
      }
    }
    return found;
  },
  record: async (key, uri, at) => {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: { pk: imagePk(key), sk: IMAGE_SK },
        UpdateExpression: 'SET #k = :k, uri = :u, lastUsedAt = :at, builtAt = if_not_exists(builtAt, :at), kind = :kind',
        ExpressionAttributeNames: { '#k': 'key' },
        ExpressionAttributeValues: { ':k': key, ':u': uri, ':at': at, ':kind': 'image' },
      }),
    );
  },
});
