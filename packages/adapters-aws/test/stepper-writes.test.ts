// How the stepper writes: a state version together with the events it folded and its listing
// rows (one transaction), a warm copy of the state instead of a read, and crashes on either side
// of that transaction. DynamoDB Local; every call the stepper makes is counted.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { vecToArray, type Command, type RunEvent, type RunRequested, type RunState } from '@hyperp/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ecsEventId, REQUESTED_EVENT_ID } from '../src/run/event-ids.js';
import { getRunMeta, putRunMeta, type RunMeta } from '../src/run/meta.js';
import { stepper, type StoredRun } from '../src/run/stepper.js';
import type { LoggedEvent } from '../src/store/event-log.js';
import { dynamoStore, type Store } from '../src/store/store.js';
import { IMAGE_SK, imagePk } from '../src/store/table.js';
import { planCalculator } from './support/calculator-request.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { ecsState, fakeCloud, type FakeCloud } from './support/fake-cloud.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
let local: LocalDynamo;
let planned: { runId: string; request: RunRequested; meta: RunMeta } | undefined;

interface World {
  store: Store;
  calls: string[];
  cloud: FakeCloud;
  clock: { now: number };
  runId: string;
  newStepper: () => ReturnType<typeof stepper>;
}

/** A fresh table with the calculator requested, and a store whose every DynamoDB call is counted. */
const world = async (): Promise<World> => {
  const calls: string[] = [];
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add((next, context) => async (args) => {
    calls.push(String(context.commandName).replace(/Command$/, ''));
    return next(args);
  }, { step: 'initialize', name: 'countCalls' });
  const tableName = await local.createTable();
  const store = dynamoStore(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName);
  const setup = dynamoStore(local.doc, tableName);
  if (!planned) {
    const p = await planCalculator(setup, T0);
    planned = { ...p, meta: (await getRunMeta(setup.ctx, p.runId))! };
  } else {
    await putRunMeta(setup.ctx, planned.meta);
    await setup.events.append({ id: REQUESTED_EVENT_ID, runId: planned.runId, event: planned.request, storedAt: 't' });
  }
  const clock = { now: T0 };
  const cloud = fakeCloud(() => clock.now);
  const newStepper = () =>
    stepper({ store, interpret: cloud.interpret, now: () => clock.now, inlineWaitMs: 20_000, log: () => undefined, sleep: async (ms) => void (clock.now += ms) });
  return { store, calls, cloud, clock, runId: planned.runId, newStepper };
};

const stored = async (w: World) => {
  const saved = (await dynamoStore(local.doc, w.store.ctx.tableName).states.load(w.runId))!;
  return { saved, run: (saved.state as StoredRun).run as RunState };
};
const logged = async (w: World): Promise<LoggedEvent[]> => dynamoStore(local.doc, w.store.ctx.tableName).events.list(w.runId);
const count = (calls: readonly string[]) => calls.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});

/** The first build's task as ECS would report it stopping, appended like the task-event handler does. */
const firstBuildStops = async (w: World): Promise<RunEvent> => {
  const [startedBy, arn] = [...w.cloud.launched][0]!;
  w.clock.now += 60_000;
  const stopped = ecsState(startedBy, arn, 'STOPPED', w.clock.now, ['kaniko']);
  await dynamoStore(local.doc, w.store.ctx.tableName).events.append({ id: ecsEventId(arn, 'STOPPED', 3), runId: w.runId, event: stopped, storedAt: 't' });
  return stopped;
};

const s = suite('stepper writes');
s.before(async () => {
  local = await startDynamoLocal();
});
s.after(async () => {
  await local.stop();
});

s('the request is folded in one read and one transaction per version: results, listing and state together', async () => {
  const w = await world();
  await w.newStepper().step(w.runId, [planned!.request]);
  const { saved } = await stored(w);
  // v1 folds the request (listing rows change: PutItem of the state alone is not enough);
  // each later version folds the results of the outbox before it, written beside it.
  assert.is(saved.outboxDone, true);
  assert.equal(count(w.calls), { Query: 1, TransactWriteItems: saved.version });
  const results = (await logged(w)).filter((e) => e.id.startsWith('cmd:'));
  assert.ok(results.length > 0);
  // Every result in the log was folded by a saved version: none has a version at or past the last.
  const versions = new Set(results.map((e) => Number(e.id.split(':')[1])));
  assert.ok([...versions].every((v) => v < saved.version), JSON.stringify([...versions]));
  assert.equal((await w.store.listing.list({ by: 'active' })).runs.map((r) => [r.runId, r.status, r.version]), [[w.runId, 'BUILDING', 1]]);
});

s('a warm stepper reads nothing for the next event; a stale warm copy is refused and folded again', async () => {
  const w = await world();
  const a = w.newStepper();
  await a.step(w.runId, [planned!.request]);
  const stopped = await firstBuildStops(w);
  w.calls.length = 0;
  await a.step(w.runId, [stopped]);
  assert.not.ok(w.calls.includes('Query') || w.calls.includes('GetItem'), `no read: ${w.calls.join(', ')}`);
  const afterA = (await stored(w)).saved.version;

  // Another function (a cold one) steps the run meanwhile: A's copy is now stale.
  const b = w.newStepper();
  const [startedBy, arn] = [...w.cloud.launched][1]!;
  w.clock.now += 60_000;
  const other = ecsState(startedBy, arn, 'STOPPED', w.clock.now, ['kaniko']);
  await b.step(w.runId, [other]);
  const afterB = (await stored(w)).saved.version;
  assert.ok(afterB > afterA);

  const [sb3, arn3] = [...w.cloud.launched][2]!;
  w.clock.now += 60_000;
  const third = ecsState(sb3, arn3, 'STOPPED', w.clock.now, ['kaniko']);
  const outcome = await a.step(w.runId, [third]);
  assert.is(outcome.conflicts, 1, 'the stale copy lost the conditional write once');
  const { run } = await stored(w);
  const builds = [...w.cloud.launched.keys()].slice(0, 3);
  const done = vecToArray(run.images).filter((i) => builds.includes(i.startedBy) && i.status === 'BUILT').map((i) => i.startedBy);
  assert.equal(done.sort(), [...builds].sort(), 'all three stopped builds are in the state');
});

s('a warm copy whose fold changes nothing still finds the version another function saved and left unconfirmed', async () => {
  const w = await world();
  const a = w.newStepper();
  await a.step(w.runId, [planned!.request]);
  // Another function folds a build's end and dies before carrying out its outbox.
  const stopped = await firstBuildStops(w);
  w.cloud.crashOn = 'RegisterTaskDefinition';
  await w.newStepper().step(w.runId, [stopped]).then(() => assert.unreachable('no crash'), (e: Error) => assert.match(e.message, /simulated crash/));
  assert.is((await stored(w)).saved.outboxDone, false);
  // The warm function gets an event that changes nothing on its copy (a repeat of the request).
  const outcome = await a.step(w.runId, [planned!.request]);
  assert.equal([outcome.conflicts, w.cloud.calls.filter((c) => c._tag === 'RegisterTaskDefinition').length], [0, 1]);
  assert.is((await stored(w)).saved.outboxDone, true);
});

s('a crash after the transaction, before the commands: the next step carries them out once', async () => {
  const w = await world();
  const a = w.newStepper();
  await a.step(w.runId, [planned!.request]);
  const stopped = await firstBuildStops(w);
  w.cloud.crashOn = 'RunTask';
  await a.step(w.runId, [stopped]).then(() => assert.unreachable('no crash'), (e: Error) => assert.match(e.message, /simulated crash/));
  const { saved: crashed } = await stored(w);
  assert.is(crashed.outboxDone, false);
  const launch = crashed.outbox.find((c) => (c as Command)._tag === 'RunTask') as Extract<Command, { _tag: 'RunTask' }>;
  assert.ok(launch);
  // The crashed process's copy is gone: a retry (here in a fresh function) reads the stored version.
  await w.newStepper().step(w.runId, []);
  assert.equal(w.cloud.calls.filter((c) => c._tag === 'RunTask').map((c) => (c as { startedBy: string }).startedBy), [launch.startedBy]);
  const accepted = (await logged(w)).filter((e) => (e.event as RunEvent)._tag === 'TaskLaunchAccepted' && e.id.startsWith(`cmd:${String(crashed.version).padStart(8, '0')}:`));
  assert.is(accepted.length, 1, 'its result logged once');
  // Repeating the step changes nothing and launches nothing more.
  await a.step(w.runId, []);
  assert.is(w.cloud.calls.filter((c) => c._tag === 'RunTask').length, 1);
  assert.is((await stored(w)).saved.outboxDone, true);
});

s('a crash after the commands, before the transaction: their results and image records are not written; carrying out again writes them once', async () => {
  const w = await world();
  await w.newStepper().step(w.runId, [planned!.request]);
  const stopped = await firstBuildStops(w);
  const before = await stored(w);
  // The process dies in the write that would fold the results (after RunTask went out).
  const save = w.store.states.save;
  let saves = 0;
  (w.store.states as { save: typeof save }).save = async (run, extra) => {
    if (++saves === 2) throw new Error('simulated crash in the state transaction');
    return save(run, extra);
  };
  await w.newStepper().step(w.runId, [stopped]).then(() => assert.unreachable('no crash'), (e: Error) => assert.match(e.message, /simulated crash/));
  (w.store.states as { save: typeof save }).save = save;
  const { saved: crashed } = await stored(w);
  assert.is(crashed.version, before.saved.version + 1);
  assert.is(crashed.outboxDone, false);
  const prefix = `cmd:${String(crashed.version).padStart(8, '0')}:`;
  assert.equal((await logged(w)).filter((e) => e.id.startsWith(prefix)), [], 'no result without the state that folds it');
  // The crashed version's outbox: the build's image record and the job's task definition.
  assert.equal(crashed.outbox.map((c) => (c as Command)._tag), ['RecordImage', 'RegisterTaskDefinition']);
  // The image record takes effect with the transaction that confirms the outbox: not yet.
  const record = crashed.outbox[0] as Extract<Command, { _tag: 'RecordImage' }>;
  const images = dynamoStore(local.doc, w.store.ctx.tableName).images;
  assert.equal([...(await images.get([record.key])).keys()], []);
  const registers = () => w.cloud.calls.filter((c) => c._tag === 'RegisterTaskDefinition') as Extract<Command, { _tag: 'RegisterTaskDefinition' }>[];
  assert.is(registers().length, 1);
  await w.newStepper().step(w.runId, []);
  // Carried out again (the same family: a repeat is harmless), its result logged once and folded.
  assert.equal(registers().map((c) => c.family), [registers()[0]!.family, registers()[0]!.family]);
  assert.is((await logged(w)).filter((e) => e.id.startsWith(prefix) && (e.event as RunEvent)._tag === 'TaskDefinitionRegistered').length, 1);
  assert.ok(w.cloud.calls.some((c) => c._tag === 'RunTask'), 'the job launched once its definition was folded');
  const image = (await images.get([record.key])).get(record.key);
  assert.equal(image && [image.uri, image.builtAt], [record.imageUri, new Date(record.builtAt).toISOString()]);
  // The record is the command's: workflow, job, container and Dockerfile path, with the run's repository.
  const item = await local.doc.send(new GetCommand({ TableName: w.store.ctx.tableName, Key: { pk: imagePk(record.key), sk: IMAGE_SK } }));
  assert.equal(item.Item?.['owner'], {
    repo: planned!.meta.repo, workflow: record.workflow, job: record.job, container: record.container, dockerfilePath: record.dockerfilePath,
  });
  assert.equal([record.workflow, record.job, record.dockerfilePath, record.files?.map((f) => f.path)], [
    'calculator', 'Generate x', 'generate_x/Dockerfile', ['generate_x/Dockerfile', 'generate_x/main.py'],
  ]);
  assert.is((await stored(w)).saved.outboxDone, true);
});

s('a state saved with 150 events: what a transaction cannot hold is appended first; events already logged are skipped', async () => {
  const w = await world();
  const store = w.store;
  const events: LoggedEvent[] = Array.from({ length: 150 }, (_, i) => ({ id: `itick:${T0 + i}`, runId: 'many', event: { _tag: 'Tick', at: T0 + i }, storedAt: 't' }));
  await store.events.append(events[3]!);
  const meta = { ...planned!.meta, runId: 'many' };
  const run = { runId: 'many', version: 1, state: { run: {}, meta }, outbox: [], outboxDone: true, status: 'PENDING', updatedAt: 't' };
  w.calls.length = 0;
  assert.is(await store.states.save(run, { events }), 'saved');
  const log = await store.events.list('many');
  assert.equal(log.map((e) => e.id).sort(), events.map((e) => e.id).sort());
  // 100 actions per transaction: the state and 99 events, one refused for the event already
  // logged and tried again with 98; the other 51 put one by one before it.
  assert.equal(count(w.calls), { Query: 1, PutItem: 51, TransactWriteItems: 2 });
  // A second writer of version 1 is refused, whatever events it brings.
  assert.is(await store.states.save(run, { events: events.slice(0, 2) }), 'conflict');
  // Confirming an outbox with its results in one transaction; refused for a version not stored.
  assert.is(await store.states.markOutboxDone('many', 2, { events: [events[0]!] }), false);
  assert.is(await store.states.markOutboxDone('many', 1, { events: [{ ...events[0]!, id: 'cmd:00000001:0:0:Tick' }] }), true);
  assert.ok((await store.events.list('many')).some((e) => e.id === 'cmd:00000001:0:0:Tick'));
});

s.run();
