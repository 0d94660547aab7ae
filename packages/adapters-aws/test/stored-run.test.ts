// Every function reads a run's stored state through core's codec (`run/stored-run.ts`): a state
// of an older format is upgraded as it is read and folds on; one of a newer format (a deployment
// rolled back past the version that wrote it) or a damaged one is refused with the run, the
// field and the reason, and nothing is folded onto it or saved over it. DynamoDB Local holds it.
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import type { RunEvent } from '@hyperp/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { putRunMeta } from '../src/run/meta.js';
import { REQUESTED_EVENT_ID } from '../src/run/event-ids.js';
import { stepper } from '../src/run/stepper.js';
import { storedRunOf, UnreadableRunState } from '../src/run/stored-run.js';
import { dynamoStore } from '../src/store/store.js';
import type { SavedRun } from '../src/store/run-states.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { fakeCloud } from './support/fake-cloud.js';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const request = syntheticRunRequested({ name: 'w', jobs: [{ name: 'a', imageAction: 'reuse' }] }, { runId: 'r-format', at: T0 });
const meta = { runId: 'r-format', repo: 'acme/calc', installationId: 1, branch: 'main', commit: request.commit, workflow: 'w', trigger: 'push' };
const state = simulate({ seed: 1, request, model: { startLatencyMs: 1000, buildMs: () => 1000, task: () => ({ durationMs: 5000, exitCode: 0 }) } }).state;
const saved = (run: unknown): SavedRun => ({ runId: 'r-format', version: 3, state: { run, meta }, outbox: [], outboxDone: true, status: 'RUNNING', updatedAt: 't' });

const u = suite('a stored run state, read');

u('a state of the current format reads as it is; one without a format (0) is upgraded', () => {
  assert.equal(storedRunOf(saved(state)).state, { run: state, meta });
  const { formatVersion: _, ...old } = state;
  assert.is(storedRunOf(saved(old)).state.run.formatVersion, state.formatVersion);
});

u('a newer format or a damaged state is refused, naming the run, the field and the reason', () => {
  assert.throws(() => storedRunOf(saved({ ...state, formatVersion: 99 })), (e: Error) =>
    e instanceof UnreadableRunState && /run r-format/.test(e.message) && /formatVersion: the state is of format 99, newer than format 1/.test(e.message));
  assert.throws(() => storedRunOf(saved({ ...state, status: 'DONE' })), (e: Error) => e instanceof UnreadableRunState && /status/.test(e.message));
  assert.throws(() => storedRunOf({ ...saved(state), state: null }), (e: Error) => e instanceof UnreadableRunState);
});

let local: LocalDynamo;
const s = suite('the stepper and a stored state it cannot read');
s.before(async () => {
  local = await startDynamoLocal();
});
s.after(async () => {
  await local.stop();
});

s('a state of a newer format is not folded or saved over; one of format 0 folds on and is saved in the current format', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const clock = { now: T0 };
  const cloud = fakeCloud(() => clock.now);
  const step = stepper({ store, interpret: cloud.interpret, now: () => clock.now, inlineWaitMs: 0, log: () => undefined, sleep: async (ms) => void (clock.now += ms) }).step;
  await putRunMeta(store.ctx, meta);
  await store.events.append({ id: REQUESTED_EVENT_ID, runId: 'r-format', event: request, storedAt: 't' });
  await step('r-format', [request]);
  const first = (await store.states.load('r-format'))!;
  const run = storedRunOf(first).state.run;

  // Written by a newer deployment: refused, and the stored version stays.
  assert.is(await store.states.save({ ...first, version: first.version + 1, state: { run: { ...run, formatVersion: 99 }, meta: storedRunOf(first).state.meta } }), 'saved');
  const tick: RunEvent = { _tag: 'Tick', at: T0 + 60_000 };
  await step('r-format', [tick]).then(() => assert.unreachable('folded a state it cannot read'), (e: Error) => {
    assert.instance(e, UnreadableRunState);
    assert.match(e.message, /formatVersion: the state is of format 99/);
  });
  assert.is((await store.states.load('r-format'))!.version, first.version + 1);

  // Written before formats were numbered: upgraded as it is read, and saved in the current format.
  const { formatVersion: _, ...old } = run;
  assert.is(await store.states.save({ ...first, version: first.version + 2, state: { run: old, meta: storedRunOf(first).state.meta } }), 'saved');
  await step('r-format', [{ _tag: 'Tick', at: T0 + 120_000 }]);
  const after = (await store.states.load('r-format'))!;
  assert.ok(after.version > first.version + 2);
  assert.is((after.state as { run: { formatVersion: number } }).run.formatVersion, run.formatVersion);
});

u.run();
s.run();
