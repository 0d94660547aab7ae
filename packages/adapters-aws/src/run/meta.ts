/**
 * What the AWS adapter knows about a run beyond the reducer's state: the GitHub repository and
 * App installation (the reducer has no notion of either). The planner writes it beside the
 * `RunRequested` event; the stepper keeps it inside the state item.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../store/context.js';
import { META_SK, runPk } from '../store/table.js';

export interface RunMeta {
  readonly runId: string;
  /** `owner/name`. */
  readonly repo: string;
  readonly installationId: number;
  readonly branch: string;
  readonly commit: string;
  readonly workflow: string;
  readonly trigger: string;
}

export { META_SK };

export const putRunMeta = async (ctx: TableContext, meta: RunMeta): Promise<void> => {
  await ctx.doc.send(new PutCommand({ TableName: ctx.tableName, Item: runMetaItem(meta) }));
};

export const getRunMeta = async (ctx: TableContext, runId: string): Promise<RunMeta | undefined> => {
  const r = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: { pk: runPk(runId), sk: META_SK } }));
  return r.Item ? runMetaOf(runId, r.Item) : undefined;
};

/** The metadata in a `META` item. */
export const runMetaOf = (runId: string, i: Record<string, unknown>): RunMeta => ({
  runId,
  repo: String(i['repo']),
  installationId: Number(i['installationId']),
  branch: String(i['branch']),
  commit: String(i['commit']),
  workflow: String(i['workflow']),
  trigger: String(i['trigger']),
});

/** The `META` item of a run, for a transaction that writes it with the run's request. */
export const runMetaItem = (meta: RunMeta): Record<string, unknown> => ({ pk: runPk(meta.runId), sk: META_SK, kind: 'meta', ...meta });
