/**
 * Listing items for the CLI: one small item per run and dimension (repo, workflow, branch,
 * commit) in the `gsi1` index, sorted newest first, plus an `ACTIVE` entry while the run is not
 * finished (what the sweep walks). They are rewritten only when a run's summary changes (a few
 * times per run): by the stepper in the same transaction as the state version they summarise, so
 * a late writer cannot put back an older status.
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiRunSummary } from '@hyperp/core/internal';
import type { TableContext } from './context.js';
import { GSI1, isConditionFailed, LIST_SK_PREFIX, runPk } from './table.js';
import type { TransactAction } from './transact.js';

/** A listing row: what `GET /runs` answers per run (core's `ApiRunSummary`), and its bookkeeping. */
export interface RunSummary extends ApiRunSummary {
  readonly updatedAt: string;
  /** The state version this summary was taken from. */
  readonly version: number;
}

export type ListBy =
  | { readonly by: 'repo'; readonly repo: string }
  | { readonly by: 'workflow'; readonly repo: string; readonly workflow: string }
  | { readonly by: 'branch'; readonly repo: string; readonly branch: string }
  | { readonly by: 'commit'; readonly repo: string; readonly commit: string }
  | { readonly by: 'active' };

export interface RunPage {
  readonly runs: RunSummary[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  readonly cursor?: string;
}

export interface RunListing {
  readonly put: (summary: RunSummary, finished: boolean) => Promise<void>;
  readonly list: (by: ListBy, page?: { limit?: number; cursor?: string }) => Promise<RunPage>;
}

const TERMINAL_LIMIT = 100;

export const listingKey = (by: ListBy): string => {
  switch (by.by) {
    case 'repo':
      return `REPO#${by.repo}`;
    case 'workflow':
      return `WF#${by.repo}#${by.workflow}`;
    case 'branch':
      return `BRANCH#${by.repo}#${by.branch}`;
    case 'commit':
      return `COMMIT#${by.repo}#${by.commit}`;
    case 'active':
      return 'ACTIVE';
  }
};

const dimensions = (s: RunSummary): [string, string][] => [
  ['repo', listingKey({ by: 'repo', repo: s.repo })],
  ['workflow', listingKey({ by: 'workflow', repo: s.repo, workflow: s.workflow })],
  ['branch', listingKey({ by: 'branch', repo: s.repo, branch: s.branch })],
  ['commit', listingKey({ by: 'commit', repo: s.repo, commit: s.commit })],
];

const encodeCursor = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');
const decodeCursor = (cursor: string): Record<string, unknown> => {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new Error(`invalid page cursor ${JSON.stringify(cursor)}`);
};

/**
 * The writes of a run's listing rows for `s`. Alone (`put`), each is conditional on a newer
 * version; beside the state item in the stepper's transaction they need no condition of their
 * own: the state's conditional write on its version orders them.
 */
export const listingActions = (ctx: TableContext, s: RunSummary, finished: boolean, conditional: boolean): TransactAction[] => {
  const sortKey = `${s.requestedAt}#${s.runId}`;
  const newer = conditional
    ? { ConditionExpression: 'attribute_not_exists(version) OR version < :v', ExpressionAttributeValues: { ':v': s.version } }
    : {};
  const puts = dimensions(s).map(([dim, gsi1pk]) => ({
    Put: {
      TableName: ctx.tableName,
      Item: { pk: runPk(s.runId), sk: `${LIST_SK_PREFIX}${dim}`, kind: 'listing', gsi1pk, gsi1sk: sortKey, ...s },
      ...newer,
    },
  }));
  const active = finished
    ? { Delete: { TableName: ctx.tableName, Key: { pk: runPk(s.runId), sk: `${LIST_SK_PREFIX}active` } } }
    : {
        Put: {
          TableName: ctx.tableName,
          Item: { pk: runPk(s.runId), sk: `${LIST_SK_PREFIX}active`, kind: 'listing', gsi1pk: 'ACTIVE', gsi1sk: sortKey, ...s },
          ...newer,
        },
      };
  return [...puts, active];
};

export const runListing = (ctx: TableContext): RunListing => ({
  put: async (s, finished) => {
    try {
      await ctx.doc.send(new TransactWriteCommand({ TransactItems: listingActions(ctx, s, finished, true) }));
    } catch (err) {
      // A newer summary is already there: this one is stale and has nothing to add.
      if (!isConditionFailed(err)) throw err;
    }
  },
  list: async (by, page = {}) => {
    const limit = Math.min(Math.max(1, page.limit ?? 20), TERMINAL_LIMIT);
    const r = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :k',
        ExpressionAttributeValues: { ':k': listingKey(by) },
        ScanIndexForward: false,
        Limit: limit,
        ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor) } : {}),
      }),
    );
    const runs = (r.Items ?? []).map(summaryOf);
    return r.LastEvaluatedKey ? { runs, cursor: encodeCursor(r.LastEvaluatedKey) } : { runs };
  },
});

const summaryOf = (i: Record<string, unknown>): RunSummary => ({
  runId: String(i['runId']),
  repo: String(i['repo']),
  workflow: String(i['workflow']),
  branch: String(i['branch']),
  commit: String(i['commit']),
  trigger: String(i['trigger']),
  status: String(i['status']),
  requestedAt: String(i['requestedAt']),
  updatedAt: String(i['updatedAt']),
  ...(typeof i['costUsd'] === 'number' ? { costUsd: i['costUsd'] } : {}),
  version: Number(i['version']),
});
