import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BodyCodec } from './body.js';

/** What every part of the store needs: the document client, the table, the body codec. */
export interface TableContext {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly codec: BodyCodec;
}
