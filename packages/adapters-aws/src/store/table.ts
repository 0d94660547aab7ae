/**
 * The one DynamoDB table and its item layout (docs/operations.md draws it). Every key is built
 * here, so the layout is read in one place and the handlers never spell a key by hand.
 *
 * | item            | pk                 | sk                | gsi1pk                          | gsi1sk            |
 * |-----------------|--------------------|-------------------|---------------------------------|-------------------|
 * | run event       | RUN#{runId}        | EV#{eventId}      |                                 |                   |
 * | run state       | RUN#{runId}        | STATE             |                                 |                   |
 * | run listing     | RUN#{runId}        | LIST#{dimension}  | {DIMENSION}#{repo}[#{value}]    | {requestedAt}#{runId} |
 * | image           | IMAGE#{key}        | IMAGE             |                                 |                   |
 * | webhook delivery| DELIVERY#{id}      | DELIVERY          |                                 |                   |
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const GSI1 = 'gsi1';

/** The table as the Pulumi program declares it; tests create exactly this in DynamoDB Local. */
export const tableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: GSI1,
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      // Listing items are small and carry the whole run summary; projecting ALL saves a read per row.
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
});

export const runPk = (runId: string): string => `RUN#${runId}`;
export const eventSk = (eventId: string): string => `EV#${eventId}`;
export const EVENT_SK_PREFIX = 'EV#';
export const STATE_SK = 'STATE';
/** The run's metadata (`run/meta.ts`); sorts just before `STATE`, nothing between them. */
export const META_SK = 'META';
export const LIST_SK_PREFIX = 'LIST#';
export const imagePk = (key: string): string => `IMAGE#${key}`;
export const IMAGE_SK = 'IMAGE';
export const deliveryPk = (id: string): string => `DELIVERY#${id}`;
export const DELIVERY_SK = 'DELIVERY';

/** The run id inside a `RUN#…` partition key, or undefined for other items. */
export const runIdOfPk = (pk: string): string | undefined => (pk.startsWith('RUN#') ? pk.slice(4) : undefined);

/** DynamoDB's condition failure, whatever client raised it. */
export const isConditionFailed = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === 'ConditionalCheckFailedException' ||
    (e.name === 'TransactionCanceledException' && /ConditionalCheckFailed/.test(e.message)));
