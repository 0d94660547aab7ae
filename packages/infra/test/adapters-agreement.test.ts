// The deployed table and stream filter are the ones the adapters' store is written for: the
// store's own table definition (what its tests create in DynamoDB Local) and its event sort-key
// prefix. The program cannot import the adapters' code (it deploys their bundles as files), so
// this test loads the store module by path and compares.
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readPermissions } from '../src/contract.js';
import { eventItemFilter } from '../src/events.js';
import { REGION, fakeBundles, installMocks, one, settle } from './support/mocks.js';
import { json } from './support/pick.js';

interface TableDefinition {
  readonly BillingMode: string;
  readonly AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  readonly KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  readonly GlobalSecondaryIndexes: { IndexName: string; KeySchema: { AttributeName: string; KeyType: string }[]; Projection: { ProjectionType: string } }[];
  readonly StreamSpecification: { StreamEnabled: boolean; StreamViewType: string };
}
const storeModule = new URL('../../adapters-aws/src/store/table.ts', import.meta.url);
const store = (await import(pathToFileURL(storeModule.pathname).href)) as {
  tableDefinition: (name: string) => TableDefinition;
  EVENT_SK_PREFIX: string;
};

const lifetime = (await import(pathToFileURL(new URL('../../adapters-aws/src/contexts/lifetime.ts', import.meta.url).pathname).href)) as {
  CONTEXT_EXPIRY_DAYS: number;
};

const bundles = await fakeBundles();
await installMocks({ 'aws:region': REGION, 'hyperp:githubAppId': '7', 'hyperp:bundlesDir': bundles }, 'dev');
await import('../src/program.js');
await settle();

test('the deployed table is the store\'s table definition', () => {
  const t = one('aws:dynamodb/table:Table', 'hyperp-dev-runs').inputs;
  const d = store.tableDefinition('any');
  const key = (type: 'HASH' | 'RANGE') => d.KeySchema.find((k) => k.KeyType === type)?.AttributeName;
  assert.equal(
    {
      billingMode: t['billingMode'],
      hashKey: t['hashKey'],
      rangeKey: t['rangeKey'],
      attributes: t['attributes'],
      globalSecondaryIndexes: t['globalSecondaryIndexes'],
      stream: [t['streamEnabled'], t['streamViewType']],
    },
    {
      billingMode: d.BillingMode,
      hashKey: key('HASH'),
      rangeKey: key('RANGE'),
      attributes: d.AttributeDefinitions.map((a) => ({ name: a.AttributeName, type: a.AttributeType })),
      globalSecondaryIndexes: d.GlobalSecondaryIndexes.map((g) => ({
        name: g.IndexName,
        hashKey: g.KeySchema.find((k) => k.KeyType === 'HASH')?.AttributeName,
        rangeKey: g.KeySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName,
        projectionType: g.Projection.ProjectionType,
      })),
      stream: [d.StreamSpecification.StreamEnabled, d.StreamSpecification.StreamViewType],
    },
  );
});

test('the stepper\'s stream filter selects the store\'s event items', () => {
  assert.equal(eventItemFilter.dynamodb.Keys.sk.S, [{ prefix: store.EVENT_SK_PREFIX }]);
  const esm = one('aws:lambda/eventSourceMapping:EventSourceMapping', 'hyperp-dev-stepper-stream').inputs;
  const filters = (esm['filterCriteria'] as { filters: { pattern: string }[] }).filters;
  assert.equal(filters.map((f) => json(f.pattern)), [{ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: store.EVENT_SK_PREFIX }] } } } }]);
});

test('build contexts expire after the days the stepper packs them for, under the prefix it writes', () => {
  const rules = one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'hyperp-dev-downloads').inputs['rules'] as { id: string; filter: unknown; expiration?: unknown }[];
  const rule = rules.find((r) => r.id === 'expire-build-contexts');
  assert.equal([rule?.filter, rule?.expiration], [{ prefix: readPermissions().s3Prefixes.buildContexts }, { days: lifetime.CONTEXT_EXPIRY_DAYS }]);
});

test.run();
