/**
 * The stepper's trigger: DynamoDB Streams records (NEW_IMAGE) of the table. Event items that
 * were inserted are grouped by run, in stream order, and stepped; other items are skipped. A
 * failing run reports its first record as the batch item failure (ReportBatchItemFailures), so
 * Lambda retries from there and other runs' progress is kept.
 */
import type { RunEvent } from '@hyperp/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { BlobStore } from '../store/body.js';
import { bodyCodec, storedBodyOf } from '../store/body.js';
import { EVENT_SK_PREFIX } from '../store/table.js';
import { foldedByWriter } from '../run/event-ids.js';

type StreamAttr = { S?: string; N?: string; B?: string; BOOL?: boolean; NULL?: boolean };

/** Event items hold only flat S/N/B/BOOL attributes; binary arrives base64-encoded in the Lambda event. */
const plainItem = (image: Record<string, StreamAttr>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(image).map(([k, v]) => [
      k,
      v.S ?? (v.N !== undefined ? Number(v.N) : v.B !== undefined ? new Uint8Array(Buffer.from(v.B, 'base64')) : v.BOOL ?? null),
    ]),
  );

export interface StreamDeps {
  readonly step: (runId: string, events: readonly RunEvent[]) => Promise<unknown>;
  readonly blobs?: BlobStore;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}


export const streamHandler = (deps: StreamDeps) => {
  const codec = bodyCodec(deps.blobs);
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const byRun = new Map<string, { first: string; events: RunEvent[] }>();
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage as Record<string, StreamAttr> | undefined;
      if (record.eventName !== 'INSERT' || !image) continue;
      const item = plainItem(image);
      if (typeof item['sk'] !== 'string' || !item['sk'].startsWith(EVENT_SK_PREFIX)) continue;
      if (foldedByWriter(String(item['eventId']))) continue;
      const runId = String(item['runId']);
      const e = (await codec.unpack(storedBodyOf(item))) as RunEvent;
      const entry = byRun.get(runId) ?? { first: record.dynamodb?.SequenceNumber ?? '', events: [] };
      entry.events.push(e);
      byRun.set(runId, entry);
    }
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const [runId, { first, events }] of byRun) {
      try {
        await deps.step(runId, events);
      } catch (e) {
        deps.log('step failed; the batch is retried from this run', { runId, error: (e as Error).stack ?? String(e) });
        batchItemFailures.push({ itemIdentifier: first });
      }
    }
    return { batchItemFailures };
  };
};
