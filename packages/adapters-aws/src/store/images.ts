/**
 * The image store: which content-addressed image keys have an image in ECR, and when each was
 * last used (the ECR lifecycle expires by time since last use, never an image still in use).
 */
import type { RepoFile } from '@hyperp/core';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bodyAttributes, storedBodyOf } from './body.js';
import type { TableContext } from './context.js';
import { GSI1, IMAGE_SK, imagePk } from './table.js';
import type { TransactAction } from './transact.js';

/** Which job and container an image is built for: the lineage a rebuild is explained against. */
export interface ImageOwner {
  readonly repo: string;
  readonly workflow: string;
  readonly job: string;
  readonly container: string;
  /** Repo path of the Dockerfile it was built from (kept with the record; not part of the lineage). */
  readonly dockerfilePath?: string;
}

/** What the planner writes for an image it plans to build: the files of its key, for later explanations. */
export interface PlannedImage extends ImageOwner {
  readonly key: string;
  readonly dockerfilePath: string;
  readonly files: readonly RepoFile[];
}

const PLANNED_SK = 'PLANNED';
const lineageKey = (o: Omit<ImageOwner, 'dockerfilePath'>): string => `IMAGES#${o.repo}#${o.workflow}#${o.job}#${o.container}`;

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
  readonly record: (key: string, uri: string, at: string, owner?: ImageOwner) => Promise<void>;
  /** The write `record` makes, for a caller that writes it in a transaction with others. */
  readonly recordAction: (key: string, uri: string, at: string, owner?: ImageOwner) => TransactAction;
  /** Remembers the files of an image about to be built. */
  readonly plan: (p: PlannedImage) => Promise<void>;
  /** The item `plan` writes, for a caller that writes it in a transaction with others. */
  readonly plannedItem: (p: PlannedImage) => Promise<Record<string, unknown>>;
  /** The files of a key as the planner recorded them (`plan`), if it did. */
  readonly planned: (key: string) => Promise<PlannedImage | undefined>;
  /** The newest image built for this job and container, with its files when they were planned here. */
  readonly newest: (owner: ImageOwner) => Promise<(StoredImage & { readonly planned?: PlannedImage }) | undefined>;
}

/** BatchGetItem reads at most 100 keys per call (DynamoDB API reference, read 2026-11). */
const BATCH_GET_LIMIT = 100;

const recordAction = (ctx: TableContext, key: string, uri: string, at: string, owner?: ImageOwner): TransactAction & { Update: object } => ({
  Update: {
    TableName: ctx.tableName,
    Key: { pk: imagePk(key), sk: IMAGE_SK },
    UpdateExpression:
      'SET #k = :k, uri = :u, lastUsedAt = :at, builtAt = if_not_exists(builtAt, :at), kind = :kind' +
      (owner ? ', gsi1pk = if_not_exists(gsi1pk, :g), gsi1sk = if_not_exists(gsi1sk, :gs), #o = if_not_exists(#o, :o)' : ''),
    ExpressionAttributeNames: { '#k': 'key', ...(owner ? { '#o': 'owner' } : {}) },
    ExpressionAttributeValues: {
      ':k': key, ':u': uri, ':at': at, ':kind': 'image',
      ...(owner ? { ':g': lineageKey(owner), ':gs': `${at}#${key}`, ':o': owner } : {}),
    },
  },
});

const plannedItem = async (ctx: TableContext, p: PlannedImage): Promise<Record<string, unknown>> => ({
  pk: imagePk(p.key), sk: PLANNED_SK, kind: 'planned-image',
  ...bodyAttributes(await ctx.codec.pack(p, `images/${p.key}`)),
});

const plannedOf = async (ctx: TableContext, key: string): Promise<PlannedImage | undefined> => {
  const r = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: { pk: imagePk(key), sk: PLANNED_SK } }));
  return r.Item ? ((await ctx.codec.unpack(storedBodyOf(r.Item))) as PlannedImage) : undefined;
};

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
  record: async (key, uri, at, owner) => {
    await ctx.doc.send(new UpdateCommand(recordAction(ctx, key, uri, at, owner).Update!));
  },
  recordAction: (key, uri, at, owner) => recordAction(ctx, key, uri, at, owner),
  plan: async (p) => {
    await ctx.doc.send(new PutCommand({ TableName: ctx.tableName, Item: await plannedItem(ctx, p) }));
  },
  plannedItem: (p) => plannedItem(ctx, p),
  planned: (key) => plannedOf(ctx, key),
  newest: async (owner) => {
    const r = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :g',
        ExpressionAttributeValues: { ':g': lineageKey(owner) }, ScanIndexForward: false, Limit: 1,
      }),
    );
    const item = r.Items?.[0];
    if (!item) return undefined;
    const image = { key: String(item['key']), uri: String(item['uri']), builtAt: String(item['builtAt']), lastUsedAt: String(item['lastUsedAt']) };
    const planned = await plannedOf(ctx, image.key);
    return planned ? { ...image, planned } : image;
  },
});
