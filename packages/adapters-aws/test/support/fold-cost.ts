/**
 * What one fold costs the stepper, measured on the real store (DynamoDB Local, s3rver for spilled
 * bodies): load the run's state item, fold one event with the core reducer, save the next
 * version — bytes written, write units, milliseconds of each part. The fold measured is the
 * commonest: an ECS state change already in the log, so the save is one conditional PutItem
 * of the state item (no results to log, no listing rows). `pnpm bench fold` prints it for
 * growing runs; `test/fold-cost.test.ts` runs it small.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { initialState, reduce, type RunRequested, type RunState } from '@hyperp/core';
import { simulate, type ClusterModel } from '@hyperp/core/sim';
import { performance } from 'node:perf_hooks';
import type { RunMeta } from '../../src/run/meta.js';
import type { StoredRun } from '../../src/run/stepper.js';
import type { BlobStore } from '../../src/store/body.js';
import type { Store } from '../../src/store/store.js';
import { runPk, STATE_SK } from '../../src/store/table.js';
import { plainItemSize, writeUnits } from './item-size.js';

export interface MeteredWrite {
  readonly command: string;
  /** The items' size by DynamoDB's rule. */
  readonly bytes: number;
  readonly unitsByRule: number;
  /** DynamoDB's own figure (ReturnConsumedCapacity), or null when it gave none. */
  readonly unitsReported: number | null;
}

export interface WriteMeter {
  readonly writes: MeteredWrite[];
  readonly reset: () => void;
}

type Input = { Item?: Record<string, unknown>; TransactItems?: { Put?: { Item?: Record<string, unknown> } }[]; ReturnConsumedCapacity?: string };
type Output = { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] };

/** Asks DynamoDB for the capacity of every PutItem and TransactWriteItems of `client`, and counts it. */
export const meterWrites = (client: DynamoDBClient): WriteMeter => {
  const writes: MeteredWrite[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = args.input as Input;
      const items = command === 'PutItemCommand' && input.Item ? [{ item: input.Item, tx: false }]
        : command === 'TransactWriteItemsCommand' ? (input.TransactItems ?? []).flatMap((t) => (t.Put?.Item ? [{ item: t.Put.Item, tx: true }] : []))
        : [];
      if (items.length > 0) input.ReturnConsumedCapacity = 'TOTAL';
      const r = await next(args);
      if (items.length > 0) {
        const cc = (r.output as Output).ConsumedCapacity;
        const reported = cc === undefined ? null : (Array.isArray(cc) ? cc : [cc]).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
        const sizes = items.map((i) => ({ bytes: plainItemSize(i.item), tx: i.tx }));
        writes.push({
          command: command.replace(/Command$/, ''),
          bytes: sizes.reduce((n, s) => n + s.bytes, 0),
          unitsByRule: sizes.reduce((n, s) => n + writeUnits(s.bytes, s.tx), 0),
          unitsReported: reported,
        });
      }
      return r;
    },
    // On the document client's input, before it is marshalled and serialized.
    { step: 'serialize', priority: 'high', name: 'hyperpWriteMeter' },
  );
  return { writes, reset: () => void writes.splice(0) };
};

/** A blob store that counts the bytes it is given. */
export const countingBlobs = (inner: BlobStore): BlobStore & { bytes: number } => {
  const c = {
    bytes: 0,
    put: async (key: string, bytes: Uint8Array) => {
      c.bytes += bytes.byteLength;
      await inner.put(key, bytes);
    },
    get: (key: string) => inner.get(key),
  };
  return c;
};

export interface FoldFigure {
  readonly workflow: string;
  /** How far into the run the folded event is (its index in the run's events, in per cent). */
  readonly atPercent: number;
  readonly stateJsonKiB: number;
  /** How the state item holds its body: inline JSON, gzip, or a pointer to S3. */
  readonly stored: string;
  readonly itemBytes: number;
  readonly writeUnits: number | null;
  readonly writeUnitsByRule: number;
  readonly s3Bytes: number;
  readonly loadMs: number;
  readonly foldMs: number;
  readonly saveMs: number;
}

const QUICK: ClusterModel = { startLatencyMs: 5000, buildMs: () => 30_000, task: () => ({ durationMs: 10_000, exitCode: 0 }) };

const ms = (a: number, b: number): number => Number((b - a).toFixed(1));

/** Folds of `request`'s simulated run at `points` (fractions of its events), each measured on `store`. */
export const measureFolds = async (
  o: { store: Store; meter: WriteMeter; blobs: { bytes: number }; meta: RunMeta },
  name: string,
  request: RunRequested,
  points: readonly number[],
): Promise<FoldFigure[]> => {
  const events = simulate({ seed: 1, request, model: QUICK, recordHistory: true }).history;
  const at = new Set(points.map((p) => Math.min(events.length - 1, Math.floor(p * events.length))));
  const out: FoldFigure[] = [];
  let state: RunState = initialState();
  for (const [i, event] of events.entries()) {
    if (at.has(i)) {
      const runId = `${request.runId}-${i}`;
      const meta = { ...o.meta, runId };
      const saved = { runId, outbox: [], outboxDone: true, status: state.status, updatedAt: new Date(event.at).toISOString() };
      await o.store.states.save({ ...saved, version: 1, state: { run: state, meta } satisfies StoredRun });
      o.meter.reset();
      o.blobs.bytes = 0;
      const t0 = performance.now();
      const loaded = (await o.store.states.load(runId))!;
      const t1 = performance.now();
      const [next, commands] = reduce((loaded.state as StoredRun).run, event);
      const t2 = performance.now();
      const result = await o.store.states.save({
        ...saved, version: 2, state: { run: next, meta }, outbox: commands, outboxDone: commands.length === 0, status: next.status,
      });
      const t3 = performance.now();
      if (result !== 'saved') throw new Error(`the measured save of ${runId} was refused`);
      const stored = String((await o.store.ctx.doc.send(new GetCommand({
        TableName: o.store.ctx.tableName, Key: { pk: runPk(runId), sk: STATE_SK }, ProjectionExpression: 'enc',
      }))).Item?.['enc']);
      const reported = o.meter.writes.map((w) => w.unitsReported);
      out.push({
        workflow: name,
        atPercent: Math.round((100 * i) / events.length),
        stateJsonKiB: Math.round(Buffer.byteLength(JSON.stringify({ run: next, meta })) / 1024),
        stored,
        itemBytes: o.meter.writes.reduce((n, w) => n + w.bytes, 0),
        writeUnits: reported.some((r) => r === null) ? null : reported.reduce((n, r) => n! + r!, 0),
        writeUnitsByRule: o.meter.writes.reduce((n, w) => n + w.unitsByRule, 0),
        s3Bytes: o.blobs.bytes,
        loadMs: ms(t0, t1),
        foldMs: ms(t1, t2),
        saveMs: ms(t2, t3),
      });
    }
    state = reduce(state, event)[0];
  }
  return out;
};
