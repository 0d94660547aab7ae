import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BlobStore } from '../src/store/body.js';
import type { RunSummary } from '../src/store/run-listing.js';
import { dynamoStore, type Store } from '../src/store/store.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';

let local: LocalDynamo;
const memoryBlobs = (): BlobStore & { keys: () => string[] } => {
  const m = new Map<string, Uint8Array>();
  return {
    put: async (k, b) => void m.set(k, b),
    get: async (k) => {
      const b = m.get(k);
      if (!b) throw new Error(`no blob ${k}`);
      return b;
    },
    keys: () => [...m.keys()],
  };
};
const fresh = async (blobs?: BlobStore): Promise<Store> => dynamoStore(local.doc, await local.createTable(), blobs);

const events = suite('event log');
events.before(async () => {
  local = await startDynamoLocal();
});

events('a duplicate event id is stored once', async () => {
  const s = await fresh();
  const e = { id: 'ecs:arn1:RUNNING:2', runId: 'r1', event: { _tag: 'TaskObserved', n: 1 }, storedAt: '2026-11-22T08:00:00.000Z' };
  assert.is(await s.events.append(e), 'appended');
  assert.is(await s.events.append({ ...e, event: { _tag: 'TaskObserved', n: 2 } }), 'duplicate');
  assert.is(await s.events.append({ ...e, id: 'ecs:arn1:STOPPED:3' }), 'appended');
  assert.equal(await s.events.list('r1'), [e, { ...e, id: 'ecs:arn1:STOPPED:3' }]);
  assert.equal(await s.events.list('r2'), []);
});

events('large events are gzipped in the item and read back whole', async () => {
  const s = await fresh();
  const big = { _tag: 'RunRequested', jobs: Array.from({ length: 2000 }, (_, i) => ({ name: `job-${i}`, deps: [`job-${i - 1}`] })) };
  await s.events.append({ id: 'req', runId: 'big', event: big, storedAt: 't' });
  const raw = await local.doc.send(new GetCommand({ TableName: s.ctx.tableName, Key: { pk: 'RUN#big', sk: 'EV#req' } }));
  assert.is(raw.Item?.['enc'], 'gzip');
  assert.ok((raw.Item?.['body'] as Uint8Array).length < JSON.stringify(big).length / 5);
  assert.equal((await s.events.list('big'))[0]?.event, big);
});

events('a body whose gzip passes the item budget spills to the blob store', async () => {
  const blobs = memoryBlobs();
  const s = await fresh(blobs);
  // Random bytes do not compress: 600 KB of them cannot stay in a 400 KB item.
  const huge = { noise: randomBytes(450 * 1024).toString('base64') };
  await s.events.append({ id: 'huge', runId: 'h', event: huge, storedAt: 't' });
  const raw = await local.doc.send(new GetCommand({ TableName: s.ctx.tableName, Key: { pk: 'RUN#h', sk: 'EV#huge' } }));
  assert.is(raw.Item?.['enc'], 's3');
  assert.equal(blobs.keys(), [raw.Item?.['body']]);
  assert.match(String(raw.Item?.['body']), /^runs\/h\/events\/[0-9a-f]{64}\.json\.gz$/);
  assert.equal((await s.events.list('h'))[0]?.event, huge);
});

events('without a blob store, an oversized body is refused with its size', async () => {
  const s = await fresh();
  const huge = { noise: randomBytes(450 * 1024).toString('base64') };
  try {
    await s.events.append({ id: 'huge', runId: 'h', event: huge, storedAt: 't' });
    assert.unreachable('stored an oversized body');
  } catch (e) {
    assert.match((e as Error).message, /compressed body \(runs\/h\/events\) exceeds the 358400-byte item budget/);
  }
});

events.run();

const states = suite('run states');

states('versions are written in order; a concurrent writer at the same version loses', async () => {
  const s = await fresh();
  const base = { runId: 'r', outbox: [], outboxDone: false, status: 'PENDING', updatedAt: 't0' };
  assert.is(await s.states.save({ ...base, version: 1, state: { n: 1 } }), 'saved');
  assert.is(await s.states.save({ ...base, version: 1, state: { n: 99 } }), 'conflict');
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => s.states.save({ ...base, version: 2, state: { n: 2, writer: i }, outbox: [{ c: i }] })),
  );
  assert.equal(results.filter((r) => r === 'saved').length, 1);
  const winner = results.indexOf('saved');
  assert.equal(await s.states.load('r'), {
    ...base,
    version: 2,
    state: { n: 2, writer: winner },
    outbox: [{ c: winner }],
  });
  assert.is(await s.states.save({ ...base, version: 4, state: {} }), 'conflict');
});

states('the outbox is marked done for its own version only', async () => {
  const s = await fresh();
  const base = { runId: 'r', outboxDone: false, status: 'RUNNING', updatedAt: 't0' };
  await s.states.save({ ...base, version: 1, state: 1, outbox: ['a'] });
  await s.states.save({ ...base, version: 2, state: 2, outbox: ['b'] });
  await s.states.markOutboxDone('r', 1);
  assert.is((await s.states.load('r'))?.outboxDone, false);
  await s.states.markOutboxDone('r', 2);
  assert.equal(await s.states.load('r'), { ...base, version: 2, state: 2, outbox: ['b'], outboxDone: true });
  assert.is(await s.states.load('nope'), undefined);
});

states.run();

const listing = suite('run listing');

const summary = (i: number, over: Partial<RunSummary> = {}): RunSummary => ({
  runId: `run-${String(i).padStart(3, '0')}`,
  repo: 'acme/calc',
  workflow: i % 2 === 0 ? 'calculator' : 'nightly',
  branch: i % 3 === 0 ? 'main' : 'dev',
  commit: `c${i % 4}`,
  trigger: 'push',
  status: 'RUNNING',
  requestedAt: `2026-11-22T08:${String(i).padStart(2, '0')}:00.000Z`,
  updatedAt: 't',
  version: 1,
  ...over,
});

listing('pages through a repo newest first, and filters by workflow, branch and commit', async () => {
  const s = await fresh();
  for (let i = 0; i < 25; i++) await s.listing.put(summary(i), false);
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await s.listing.list({ by: 'repo', repo: 'acme/calc' }, { limit: 10, ...(cursor ? { cursor } : {}) });
    seen.push(...page.runs.map((r) => r.runId));
    cursor = page.cursor;
    pages++;
  } while (cursor);
  assert.equal(seen, Array.from({ length: 25 }, (_, i) => summary(24 - i).runId));
  assert.ok(pages === 3 || pages === 4, `pages: ${pages}`);
  const wf = await s.listing.list({ by: 'workflow', repo: 'acme/calc', workflow: 'nightly' }, { limit: 100 });
  assert.equal(wf.runs.map((r) => r.runId), Array.from({ length: 12 }, (_, k) => summary(23 - 2 * k).runId));
  const main = await s.listing.list({ by: 'branch', repo: 'acme/calc', branch: 'main' }, { limit: 3 });
  assert.equal(main.runs, [summary(24), summary(21), summary(18)]);
  const commit = await s.listing.list({ by: 'commit', repo: 'acme/calc', commit: 'c1' });
  assert.equal(commit.runs.map((r) => r.runId), ['run-021', 'run-017', 'run-013', 'run-009', 'run-005', 'run-001']);
  assert.equal((await s.listing.list({ by: 'repo', repo: 'other/repo' })).runs, []);
});

listing('a finished run leaves the active list; an older summary never overwrites a newer one', async () => {
  const s = await fresh();
  await s.listing.put(summary(1), false);
  await s.listing.put(summary(2), false);
  await s.listing.put(summary(1, { status: 'SUCCEEDED', version: 3, costUsd: 0.0123 }), true);
  await s.listing.put(summary(1, { status: 'RUNNING', version: 2 }), false);
  assert.equal((await s.listing.list({ by: 'active' })).runs, [summary(2)]);
  assert.equal((await s.listing.list({ by: 'commit', repo: 'acme/calc', commit: 'c1' })).runs, [
    summary(1, { status: 'SUCCEEDED', version: 3, costUsd: 0.0123 }),
  ]);
});

listing('a cursor that was not made by the listing is refused', async () => {
  const s = await fresh();
  try {
    await s.listing.list({ by: 'repo', repo: 'x' }, { cursor: 'bm90IGpzb24' });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'invalid page cursor "bm90IGpzb24"');
  }
});

listing.run();

const images = suite('image store and deliveries');

images('records images, keeps the first build time, reads many keys at once', async () => {
  const s = await fresh();
  const keys = Array.from({ length: 130 }, (_, i) => `k${i}`);
  for (const k of keys.filter((_, i) => i % 10 === 0)) await s.images.record(k, `repo:${k}`, '2026-11-01');
  await s.images.record('k10', 'repo:k10', '2026-11-20');
  const got = await s.images.get([...keys, 'k0']);
  assert.equal([...got.keys()].sort(), keys.filter((_, i) => i % 10 === 0).sort());
  assert.equal(got.get('k10'), { key: 'k10', uri: 'repo:k10', builtAt: '2026-11-01', lastUsedAt: '2026-11-20' });
  assert.equal((await s.images.get([])).size, 0);
});

images('a delivery id is claimed once and expires through TTL', async () => {
  const s = await fresh();
  assert.is(await s.deliveries.claim('d-1', 1_000), 'new');
  assert.is(await s.deliveries.claim('d-1', 2_000), 'duplicate');
  const raw = await local.doc.send(new GetCommand({ TableName: s.ctx.tableName, Key: { pk: 'DELIVERY#d-1', sk: 'DELIVERY' } }));
  assert.equal(raw.Item, { pk: 'DELIVERY#d-1', sk: 'DELIVERY', kind: 'delivery', ttl: 1_000 + 7 * 24 * 3600 });
});

images.after(async () => {
  await local.stop();
});

images.run();
