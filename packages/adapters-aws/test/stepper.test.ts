import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { vecToArray, type Command, type RunEvent, type RunRequested, type RunState } from '@hyperp/core';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepper, type StoredRun } from '../src/run/stepper.js';
import { dynamoStore, type Store } from '../src/store/store.js';
import { ecsEventId, REQUESTED_EVENT_ID } from '../src/run/event-ids.js';
import { getRunMeta, putRunMeta, type RunMeta } from '../src/run/meta.js';
import { INLINE_LIMIT_BYTES } from '../src/store/body.js';
import { planCalculator } from './support/calculator-request.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { ecsState, fakeCloud, type FakeCloud } from './support/fake-cloud.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
let local: LocalDynamo;

interface World {
  store: Store;
  cloud: FakeCloud;
  clock: { now: number };
  step: (runId: string, events: readonly RunEvent[]) => ReturnType<ReturnType<typeof stepper>['step']>;
  runId: string;
}

let planned: { runId: string; request: RunRequested; meta: RunMeta } | undefined;

/** A fresh table with the calculator's run requested (planned once per file, then copied). */
const world = async (): Promise<World> => {
  const store = dynamoStore(local.doc, await local.createTable());
  const clock = { now: T0 };
  const cloud = fakeCloud(() => clock.now);
  if (!planned) {
    const p = await planCalculator(store, T0);
    planned = { ...p, meta: (await getRunMeta(store.ctx, p.runId))! };
  } else {
    await putRunMeta(store.ctx, planned.meta);
    await store.events.append({ id: REQUESTED_EVENT_ID, runId: planned.runId, event: planned.request, storedAt: 't' });
  }
  const { runId, request } = planned;
  const s = stepper({
    store, interpret: cloud.interpret, now: () => clock.now, inlineWaitMs: 20_000, log: () => undefined,
    sleep: async (ms) => void (clock.now += ms),
  });
  await s.step(runId, [request]);
  return { store, cloud, clock, step: s.step, runId };
};

const load = async (w: World) => {
  const saved = await w.store.states.load(w.runId);
  return { saved: saved!, run: (saved!.state as StoredRun).run as RunState };
};

/** Containers of a launched task: the builder's, or the job's from its RunTask overrides. */
const containersOf = (cloud: FakeCloud, startedBy: string): string[] => {
  const c = cloud.calls.find((x): x is Extract<Command, { startedBy: string }> => 'startedBy' in x && x.startedBy === startedBy);
  return c?._tag === 'RunTask' ? c.overrides.containerOverrides.map((o) => o.name) : ['kaniko'];
};

/** ECS reports every launched, unreported task as RUNNING then STOPPED (exit 0), one task per step. */
const finishLaunched = async (w: World, reported: Set<string>, opts: { duplicate?: boolean; reverse?: boolean } = {}) => {
  for (const [startedBy, arn] of [...w.cloud.launched]) {
    if (reported.has(startedBy)) continue;
    reported.add(startedBy);
    w.clock.now += 60_000;
    const containers = containersOf(w.cloud, startedBy);
    let events = [ecsState(startedBy, arn, 'RUNNING', w.clock.now - 30_000, containers), ecsState(startedBy, arn, 'STOPPED', w.clock.now, containers)];
    if (opts.reverse) events = events.reverse();
    const fresh: RunEvent[] = [];
    for (const e of opts.duplicate ? [...events, ...events] : events) {
      const r = await w.store.events.append({ id: ecsEventId(arn, e.lastStatus, e.lastStatus === 'RUNNING' ? 2 : 3), runId: w.runId, event: e, storedAt: 't' });
      if (r === 'appended') fresh.push(e);
    }
    await w.step(w.runId, opts.duplicate ? [...fresh, ...fresh] : fresh);
  }
};

const runToEnd = async (w: World, opts: { duplicate?: boolean; reverse?: boolean } = {}) => {
  const reported = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const { run } = await load(w);
    if (run.finishedAt !== null) return run;
    await finishLaunched(w, reported, opts);
  }
  throw new Error('the run did not finish');
};

const s = suite('stepper on DynamoDB Local');
s.before(async () => {
  local = await startDynamoLocal();
});
s.after(async () => {
  await local.stop();
});

s('folds the calculator to SUCCEEDED, one version per fold, every outbox carried out', async () => {
  const w = await world();
  const run = await runToEnd(w);
  assert.is(run.status, 'SUCCEEDED');
  assert.equal(vecToArray(run.jobs).map((j) => [j.name, j.status]), [
    ['Generate x', 'SUCCEEDED'], ['x * y', 'SUCCEEDED'], ['x / z', 'SUCCEEDED'], ['(x * y) + (x / z)', 'SUCCEEDED'],
  ]);
  const { saved } = await load(w);
  assert.is(saved.outboxDone, true);
  // 4 builds + 1 + 2 + 2 + 1 tasks, each launched once.
  assert.is(w.cloud.calls.filter((c) => c._tag === 'BuildImage').length, 4);
  assert.is(w.cloud.calls.filter((c) => c._tag === 'RunTask').length, 6);
  assert.equal(new Set(w.cloud.calls.filter((c) => c._tag === 'RunTask').map((c) => (c as { clientToken: string }).clientToken)).size, 6);
  const listed = await w.store.listing.list({ by: 'repo', repo: 'acme/calculator' });
  assert.equal(listed.runs.map((r) => [r.runId, r.status]), [[w.runId, 'SUCCEEDED']]);
  assert.equal((await w.store.listing.list({ by: 'active' })).runs, []);
});

s('duplicate and reordered ECS events change nothing: same final state as the clean run', async () => {
  const clean = await world();
  const a = await runToEnd(clean);
  const noisy = await world();
  const b = await runToEnd(noisy, { duplicate: true, reverse: true });
  assert.is(b.status, 'SUCCEEDED');
  assert.equal(vecToArray(b.jobs).map((j) => [j.name, j.status, j.tasks.size]), vecToArray(a.jobs).map((j) => [j.name, j.status, j.tasks.size]));
  assert.equal(b.cost, a.cost);
  assert.is(noisy.cloud.calls.filter((c) => c._tag === 'RunTask').length, 6);
  // A stream redelivery of everything already folded carries nothing out again; the finished
  // run only counts the late events in its diagnostics.
  const again = await noisy.step(noisy.runId, (await noisy.store.events.list(noisy.runId)).map((e) => e.event as RunEvent));
  const after = (await load(noisy)).run;
  assert.is(again.commandsCarriedOut, 0);
  assert.equal([after.status, after.cost, after.finishedAt], [b.status, b.cost, b.finishedAt]);
  assert.ok(after.diagnostics.ignored > b.diagnostics.ignored);
});

s('a crash after saving the state leaves the outbox to be carried out by the next step', async () => {
  const w = await world();
  const reported = new Set<string>();
  const v0 = (await load(w)).saved.version;
  // The first build to finish makes its job launch: the process dies before RunTask is sent.
  w.cloud.crashOn = 'RunTask';
  try {
    await finishLaunched(w, reported);
    assert.unreachable('the crash did not happen');
  } catch (e) {
    assert.match((e as Error).message, /simulated crash before carrying out RunTask/);
  }
  const { saved: crashed } = await load(w);
  assert.ok(crashed.version > v0);
  assert.is(crashed.outboxDone, false, 'the state was saved, its commands not confirmed');
  assert.equal(crashed.outbox.filter((c) => (c as Command)._tag === 'RunTask').length, 1);
  assert.is(w.cloud.calls.filter((c) => c._tag === 'RunTask').length, 0);
  // The stream retries the batch: the step carries the outbox out first.
  await w.step(w.runId, []);
  assert.is((await load(w)).saved.outboxDone, true);
  assert.is(w.cloud.calls.filter((c) => c._tag === 'RunTask').length, 1);
  const run = await runToEnd(w);
  assert.is(run.status, 'SUCCEEDED');
  // Each attempt got exactly one task.
  assert.is(new Set(w.cloud.calls.filter((c) => c._tag === 'RunTask').map((c) => (c as { startedBy: string }).startedBy)).size, 6);
});

s('concurrent writers on one run: conditional writes serialise them and nothing is lost', async () => {
  const w = await world();
  const reported = new Set<string>();
  await finishLaunched(w, reported); // builds done, first jobs launched
  await finishLaunched(w, reported);
  const pending = [...w.cloud.launched].filter(([k]) => !reported.has(k));
  assert.ok(pending.length >= 2, `expected parallel tasks in flight, found ${pending.length}`);
  w.clock.now += 60_000;
  const outcomes = await Promise.all(
    pending.map(([startedBy, arn]) => {
      reported.add(startedBy);
      const cs = containersOf(w.cloud, startedBy);
      return w.step(w.runId, [ecsState(startedBy, arn, 'RUNNING', w.clock.now - 30_000, cs), ecsState(startedBy, arn, 'STOPPED', w.clock.now, cs)]);
    }),
  );
  const { run } = await load(w);
  const stopped = pending.filter(([sb]) =>
    vecToArray(run.jobs).some((j) => vecToArray(j.tasks).some((t) => t.attempts.some((a) => a.startedBy === sb && a.outcome === 'SUCCEEDED'))),
  );
  assert.is(stopped.length, pending.length, 'every concurrent writer\'s events are in the final state');
  assert.ok(outcomes.reduce((n, o) => n + o.conflicts, 0) >= 1, 'writers collided on the version');
  assert.is((await runToEnd(w)).status, 'SUCCEEDED');
});

s('a step out of budget hands its unfolded events to the next one, and the run still completes', async () => {
  const w = await world();
  const handed: RunEvent[][] = [];
  const short = stepper({
    store: w.store, interpret: w.cloud.interpret, now: () => w.clock.now, inlineWaitMs: 20_000, log: () => undefined,
    sleep: async (ms) => void (w.clock.now += ms), maxRounds: 1, continueLater: async (_id, events) => void handed.push([...events]),
  });
  // Finish one build: its fold launches a task, whose acceptance is left for the next step.
  const [startedBy, arn] = [...w.cloud.launched][0]!;
  w.clock.now += 60_000;
  const stopped = ecsState(startedBy, arn, 'STOPPED', w.clock.now, ['kaniko']);
  await w.store.events.append({ id: ecsEventId(arn, 'STOPPED', 3), runId: w.runId, event: stopped, storedAt: 't' });
  await short.step(w.runId, [stopped]);
  assert.equal(handed.length, 1);
  assert.ok(handed[0]!.length > 0 && handed[0]!.every((e) => e._tag !== 'TaskStateObserved'), JSON.stringify(handed[0]!.map((e) => e._tag)));
  assert.is((await load(w)).saved.outboxDone, false, 'the outbox whose results were not folded stays unconfirmed');
  await w.step(w.runId, handed[0]!);
  assert.is((await load(w)).saved.outboxDone, true);
  assert.is((await runToEnd(w)).status, 'SUCCEEDED');
});

s('a 300-way fan-out is launched at the paced rate in one invocation, about one fold per second', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const request = syntheticRunRequested({ jobs: [{ name: 'wide', concurrency: 300, imageAction: 'reuse' }] }, { runId: 'wide-run', at: T0 });
  await putRunMeta(store.ctx, { runId: 'wide-run', repo: 'acme/wide', installationId: 1, branch: 'main', commit: request.commit, workflow: request.workflow.name, trigger: 'push' });
  const clock = { now: T0 };
  const cloud = fakeCloud(() => clock.now);
  const outcome = await stepper({
    store, interpret: cloud.interpret, now: () => clock.now, inlineWaitMs: 20_000, log: () => undefined, sleep: async (ms) => void (clock.now += ms),
  }).step('wide-run', [request]);
  const runTasks = cloud.calls.filter((c) => c._tag === 'RunTask');
  assert.is(runTasks.length, 300);
  assert.is(new Set(runTasks.map((c) => (c as { clientToken: string }).clientToken)).size, 300);
  // A burst of 100, then 200 at 20 per second: 10 s of pacing, waited in one-second steps.
  assert.ok(clock.now - T0 >= 10_000 && clock.now - T0 <= 12_000, `paced over ${clock.now - T0} ms`);
  assert.ok(outcome.versionsSaved <= 30, `${outcome.versionsSaved} versions saved`);
});

s('the state item of a 1,000-task fan-out and of a 1,000-job workflow stays inside one item (gzip)', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const model = { startLatencyMs: 20_000, buildMs: () => 60_000, task: () => ({ durationMs: 120_000, exitCode: 0 }) };
  if (!planned) await world();
  const shapes = {
    calculator: planned!.request,
    fanOut: syntheticRunRequested({ jobs: [{ name: 'prepare' }, { name: 'wide', dependsOn: ['prepare'], concurrency: 1000 }] }, { runId: 'fan', at: T0 }),
    manyJobs: syntheticRunRequested(
      { jobs: Array.from({ length: 1000 }, (_, i) => ({ name: `job-${i}`, dependsOn: i === 0 ? [] : [`job-${Math.floor((i - 1) / 3)}`], image: `img-${i % 50}` })) },
      { runId: 'many', at: T0 },
    ),
  };
  const sizes: Record<string, { json: number; item: number }> = {};
  for (const [name, request] of Object.entries(shapes)) {
    const sim = simulate({ seed: 1, request, model });
    assert.is(sim.state.status, 'SUCCEEDED', name);
    const meta = { runId: request.runId, repo: 'acme/big', installationId: 1, branch: 'main', commit: request.commit, workflow: request.workflow.name, trigger: 'push' };
    assert.is(await store.states.save({ runId: request.runId, version: 1, state: { run: sim.state, meta }, outbox: [], outboxDone: true, status: 'SUCCEEDED', updatedAt: 't' }), 'saved');
    const raw = await local.doc.send(new GetCommand({ TableName: store.ctx.tableName, Key: { pk: `RUN#${request.runId}`, sk: 'STATE' } }));
    assert.is(raw.Item?.['enc'], 'gzip', `${name} is stored inline, compressed`);
    sizes[name] = { json: JSON.stringify(sim.state).length, item: (raw.Item?.['body'] as Uint8Array).length };
    assert.ok(sizes[name]!.item < INLINE_LIMIT_BYTES, `${name}: ${sizes[name]!.item} bytes`);
    assert.equal(((await store.states.load(request.runId))!.state as StoredRun).run, sim.state);
  }
  // Written down in docs/operations.md; printed so a change in the state's size shows.
  console.log('state item sizes (bytes):', JSON.stringify(sizes));
});

s.run();
