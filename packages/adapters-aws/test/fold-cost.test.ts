// The figures `pnpm bench fold` prints rest on two things tested here: DynamoDB's item-size
// rule as written in support/item-size.ts agrees with the write units DynamoDB Local reports
// (ReturnConsumedCapacity), and the fold measurement runs on the real store. No time is asserted.
import { PutItemCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { syntheticRunRequested } from '@hyperp/core/sim';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dynamoStore } from '../src/store/store.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { countingBlobs, measureFolds, meterWrites } from './support/fold-cost.js';
import { itemSize, writeUnits } from './support/item-size.js';

let local: LocalDynamo;
let table: string;
const f = suite('what a fold costs');
f.before(async () => {
  local = await startDynamoLocal();
  table = await local.createTable();
});
f.after(async () => {
  await local.stop();
});

/** A state item's shape: keys, a few strings, a number, a boolean, a binary body of `body` bytes. */
const stateItem = (id: string, body: number): Record<string, AttributeValue> => ({
  pk: { S: `RUN#${id}` }, sk: { S: 'STATE' }, kind: { S: 'state' }, runId: { S: id }, version: { N: '12345' },
  outboxDone: { BOOL: false }, status: { S: 'RUNNING' }, updatedAt: { S: '2026-12-03T08:00:00.000Z' }, enc: { S: 'gzip' },
  body: { B: new Uint8Array(body).fill(7) }, tags: { M: { a: { S: 'x' }, b: { L: [{ N: '1' }, { NULL: true }] } } },
});

f('the item-size rule gives the write units DynamoDB Local reports, alone and in a transaction', async () => {
  for (const [i, body] of [0, 700, 1500, 3000, 9000, 100_000].entries()) {
    const item = stateItem(`size-${i}`, body);
    const put = await local.client.send(new PutItemCommand({ TableName: table, Item: item, ReturnConsumedCapacity: 'TOTAL' }));
    assert.is(writeUnits(itemSize(item)), put.ConsumedCapacity?.CapacityUnits, `a ${body}-byte body: ${itemSize(item)} bytes by the rule`);
    const tx = stateItem(`tx-${i}`, body);
    const t = await local.client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: tx } }], ReturnConsumedCapacity: 'TOTAL' }));
    assert.is(writeUnits(itemSize(tx), true), t.ConsumedCapacity?.[0]?.CapacityUnits, `a ${body}-byte body in a transaction`);
  }
});

f('a fold is measured on the store: its state item\'s bytes and write units, reported and by the rule', async () => {
  const meter = meterWrites(local.client);
  const store = dynamoStore(local.doc, table, countingBlobs({ put: async () => undefined, get: async () => new Uint8Array() }));
  const blobs = { bytes: 0 };
  const request = syntheticRunRequested({ name: 'small', jobs: [{ name: 'a' }, { name: 'b', dependsOn: ['a'], concurrency: 3 }] }, { runId: 'fold-small' });
  const meta = { runId: 'fold-small', repo: 'acme/small', installationId: 7, branch: 'main', commit: request.commit, workflow: 'small', trigger: 'push' as const };
  const figures = await measureFolds({ store, meter, blobs, meta }, 'small', request, [0.5, 1]);
  assert.equal(figures.map((x) => [x.workflow, x.stored, x.writeUnits === x.writeUnitsByRule, x.itemBytes > 1000, x.s3Bytes]), [
    ['small', 'gzip', true, true, 0],
    ['small', 'gzip', true, true, 0],
  ]);
  assert.ok(figures[1]!.atPercent > figures[0]!.atPercent);
});

f.run();
