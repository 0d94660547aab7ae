/** The whole DynamoDB store, as the handlers receive it. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bodyCodec, type BlobStore } from './body.js';
import { checkRecords, type CheckRecords } from './checks.js';
import type { TableContext } from './context.js';
import { deliveries, type Deliveries } from './deliveries.js';
import { eventLog, type EventLog } from './event-log.js';
import { imageStore, type ImageStore } from './images.js';
import { runListing, type RunListing } from './run-listing.js';
import { runStates, type RunStates } from './run-states.js';

export interface Store {
  readonly events: EventLog;
  readonly states: RunStates;
  readonly listing: RunListing;
  readonly images: ImageStore;
  readonly deliveries: Deliveries;
  /** What was last sent of each run's GitHub check run. */
  readonly checks: CheckRecords;
  readonly ctx: TableContext;
}

export const dynamoStore = (doc: DynamoDBDocumentClient, tableName: string, blobs?: BlobStore): Store => {
  const ctx: TableContext = { doc, tableName, codec: bodyCodec(blobs) };
  return {
    events: eventLog(ctx),
    states: runStates(ctx),
    listing: runListing(ctx),
    images: imageStore(ctx),
    deliveries: deliveries(ctx),
    checks: checkRecords(ctx),
    ctx,
  };
};
