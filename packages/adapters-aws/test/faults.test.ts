// Fault injection: the real stepper on DynamoDB Local and the real interpreter against ECS,
// Lambda and SQS that answer with AWS's documented errors (`support/aws-faults.ts`), over the
// calculator and random DAGs (fast-check), with crashes between saving a state and carrying out
// its commands (before acting, or after acting with the answer lost), cancels at random points
// and the sweep every simulated minute. Every run must end (0 stuck), no attempt may start a
// second task (0 duplicate launches), RunTask under one clientToken always carries the same
// request, and each run ends as specified: CANCELLED when cancelled, FAILED exactly when a
// permanent failure of a launch, a registration or the run's folders was injected, else SUCCEEDED.
import { ECSClient } from '@aws-sdk/client-ecs';
import { EFSClient } from '@aws-sdk/client-efs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { vecToArray, type RunEvent, type RunRequested, type RunState } from '@hyperp/core';
import { syntheticRunRequested } from '@hyperp/core/sim';
import { retriesView } from '@hyperp/core/internal';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { sweepAccessPoints } from '../src/efs/access-points.js';
import { sweepHandler } from '../src/handlers/sweep.js';
import { interpreter, type Interpret } from '../src/interpret/interpreter.js';
import { ecsEventId, REQUESTED_EVENT_ID, requestEventId } from '../src/run/event-ids.js';
import { getRunMeta, putRunMeta, type RunMeta } from '../src/run/meta.js';
import { stepper, type StoredRun } from '../src/run/stepper.js';
import { dynamoStore, type Store } from '../src/store/store.js';
import { classifyAwsError } from '../src/aws/failure-class.js';
import { faultsByApi, prng } from './support/aws-faults.js';
import { planCalculator } from './support/calculator-request.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { ecsState } from './support/fake-cloud.js';
import { FATAL_APIS, faultWorld } from './support/fault-world.js';
import { testEnv } from './support/env.js';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const config = loadConfig(testEnv);
const ecsMock = mockClient(ECSClient);
const lambdaMock = mockClient(LambdaClient);
const efsMock = mockClient(EFSClient);
let local: LocalDynamo;
let store: Store;
let calculator: { request: RunRequested; meta: RunMeta };

interface Scenario {
  readonly request: RunRequested;
  readonly meta: RunMeta;
  readonly seed: number;
  /** Probability that an AWS call fails. */
  readonly rate: number;
  readonly permanent: boolean;
  /** Probability that the stepper's function dies around a command. */
  readonly crash: number;
  /** Cancel after this many deliveries; null for none. */
  readonly cancelAfter: number | null;
  /** Jobs may retry a failed attempt (then a permanent launch failure need not fail the run). */
  readonly retries: boolean;
  /** EFS refuses this many access points at first (AccessPointLimitExceeded). */
  readonly accessPointsFullFor?: number;
}

interface Outcome {
  readonly status: string;
  readonly stuck: boolean;
  readonly duplicateLaunches: number;
  readonly differingRequests: number;
  readonly faults: number;
  readonly crashes: number;
  readonly cancelled: boolean;
  readonly fatalInjected: boolean;
  /** Access points still on the file system after the run ended and the sweep's clean-up. */
  readonly accessPointsLeft: number;
  /** A permanent fault whose answer a crash may have lost: either ending is right. */
  readonly fatalMaybeLost: boolean;
  readonly run: RunState;
}

const MAX_DELIVERIES = 400;

const runScenario = async (sc: Scenario): Promise<Outcome> => {
  ecsMock.reset();
  lambdaMock.reset();
  efsMock.reset();
  const random = prng(sc.seed);
  const world = faultWorld(ecsMock as never, lambdaMock as never, {
    random, rate: sc.rate, permanent: sc.permanent, ...(sc.accessPointsFullFor ? { accessPointsFullFor: sc.accessPointsFullFor } : {}),
  }, efsMock as never);
  const clock = { now: sc.request.at };
  const real = interpreter({
    config, ecs: new ECSClient({ region: 'us-east-1' }), lambda: new LambdaClient({ region: 'us-east-1' }), efs: new EFSClient({ region: 'us-east-1' }), images: store.images,
    // Like GitHub: every installation token asked for is a new one.
    github: () => ({ request: async () => ({}) }) as never,
    contexts: world.contexts, wakeups: world.wakeups, now: () => clock.now, log: () => undefined,
  });
  let crashes = 0;
  // Faults whose answer a crash may have lost (the command is carried out again, and may succeed
  // then): those of a command the function died after, and those met in a step that died (its
  // other launches, carried out together, go on without anyone to hear their answers).
  const lost = new Set<number>();
  // The function dies around a command: before carrying it out, or after (its answer lost).
  const interpret: Interpret = async (c, m) => {
    if (random() < sc.crash) {
      crashes++;
      if (random() < 0.5) throw new Error(`crash before ${c._tag}`);
      const before = world.injected.length;
      await real(c, m);
      for (let i = before; i < world.injected.length; i++) lost.add(i);
      throw new Error(`crash after ${c._tag}`);
    }
    return real(c, m);
  };
  const runId = sc.request.runId;
  const s = stepper({ store, interpret, now: () => clock.now, inlineWaitMs: 20_000, log: () => undefined, sleep: async (ms) => void (clock.now += ms) });
  // The stream: a step that fails is retried with nothing new (the batch again).
  const step = async (events: readonly RunEvent[]) => {
    const before = world.injected.length;
    try {
      await s.step(runId, events);
    } catch {
      // A crash: the next delivery (or the sweep's tick) carries the outbox out again.
      await new Promise((r) => setImmediate(r));
      for (let i = before; i < world.injected.length; i++) lost.add(i);
    }
  };
  const sweep = sweepHandler({
    store, config, ecs: new ECSClient({ region: 'us-east-1' }),
    retry: { attempts: 2, baseMs: 1, maxMs: 1, sleep: async () => undefined, random },
    now: () => clock.now, log: () => undefined, restep: async (_id, events) => step(events),
  });
  const state = async (): Promise<RunState> => ((await store.states.load(runId))!.state as StoredRun).run;
  const append = async (id: string, event: RunEvent) => (await store.events.append({ id, runId, event, storedAt: 't' })) === 'appended';

  await putRunMeta(store.ctx, sc.meta);
  await append(REQUESTED_EVENT_ID, sc.request);
  await step([sc.request]);
  let cancelled = false;
  for (let delivery = 0; delivery < MAX_DELIVERIES; delivery++) {
    const run = await state();
    if (run.finishedAt !== null) break;
    if (sc.cancelAfter !== null && delivery === sc.cancelAfter) {
      const cancel: RunEvent = { _tag: 'CancelRequested', at: clock.now, reason: 'cancelled by the fault suite', by: null };
      await append(requestEventId('cancel', `fault-${sc.seed}`), cancel);
      await step([cancel]);
      cancelled = true;
      continue;
    }
    // ECS: the next task moves on (PENDING → RUNNING → STOPPED); a stop asked for stops it.
    const mine = [...world.tasks.values()].filter((t) => t.group === `hyperp:${runId}` && t.status !== 'STOPPED');
    const t = mine[Math.floor(random() * mine.length)];
    if (t) {
      clock.now += 5_000;
      const next = t.status === 'PENDING' && t.stopRequested === null ? 'RUNNING' : 'STOPPED';
      t.status = next;
      const e = ecsState(t.startedBy, t.arn, next, clock.now, t.containers, t.stopRequested ? 143 : 0);
      const event: RunEvent = t.stopRequested && next === 'STOPPED' ? { ...e, stopCode: 'UserInitiated', stoppedReason: t.stopRequested } : e;
      const fresh = await append(ecsEventId(t.arn, next, next === 'RUNNING' ? 2 : 3), event);
      // EventBridge delivers at least once: sometimes twice.
      if (fresh) await step(random() < 0.2 ? [event, event] : [event]);
      continue;
    }
    const zip = world.zips.findIndex((z) => z.runId === runId);
    if (zip >= 0) {
      const [z] = world.zips.splice(zip, 1);
      const ready: RunEvent = { _tag: 'DownloadableReady', at: clock.now, job: z!.job, location: `s3://${config.artifactsBucket}/${z!.job}.zip`, bytes: 10 };
      if (await append(`zip:${z!.job}:DownloadableReady`, ready)) await step([ready]);
      continue;
    }
    // Nothing else happens: a minute passes and the sweep ticks the run.
    clock.now += 60_000;
    await sweep();
    const tick: RunEvent = { _tag: 'Tick', at: clock.now };
    await step([tick]);
  }
  const run = await state();
  // The sweep's clean-up, minute by minute, after the run ended: what the run's own deletion left (a refused delete, a crash).
  for (let minute = 0; run.finishedAt !== null && minute < 3 && world.accessPoints.size > 0; minute++) {
    await sweepAccessPoints({
      efs: new EFSClient({ region: 'us-east-1' }), retry: { attempts: 5, baseMs: 1, maxMs: 1, sleep: async () => undefined, random },
      settings: { fileSystemId: config.efsFileSystemId, efsRootDirectory: config.efsRootDirectory, familyPrefix: config.familyPrefix },
    }, async () => new Set()).catch(() => undefined);
  }
  const fatal = (f: { class: string; api: string }) => f.class === 'permanent' && FATAL_APIS.has(f.api);
  const fatalInjected = world.injected.some((f, i) => fatal(f) && !lost.has(i));
  const fatalMaybeLost = world.injected.some((f, i) => fatal(f) && lost.has(i));
  return {
    status: run.status,
    stuck: run.finishedAt === null,
    duplicateLaunches: [...world.startsByStartedBy.values()].filter((n) => n > 1).length,
    differingRequests: world.differingRequests(),
    faults: world.injected.length,
    crashes,
    cancelled: cancelled && run.cancel !== null,
    fatalInjected,
    accessPointsLeft: world.accessPoints.size,
    fatalMaybeLost,
    run,
  };
};

/** The status the scenario must end in; a list where a job's retries make either possible. */
const expected = (sc: Scenario, o: Outcome): readonly string[] =>
  o.cancelled ? ['CANCELLED'] : o.fatalInjected ? (sc.retries ? ['FAILED', 'SUCCEEDED'] : ['FAILED']) : o.fatalMaybeLost ? ['FAILED', 'SUCCEEDED'] : ['SUCCEEDED'];

const totals = { runs: 0, faults: 0, crashes: 0, cancels: 0, stuck: 0, duplicateLaunches: 0, differingRequests: 0, accessPointsLeft: 0, byStatus: {} as Record<string, number> };

const check = (sc: Scenario, o: Outcome, label: string): void => {
  totals.runs++;
  totals.faults += o.faults;
  totals.crashes += o.crashes;
  totals.cancels += o.cancelled ? 1 : 0;
  totals.stuck += o.stuck ? 1 : 0;
  totals.duplicateLaunches += o.duplicateLaunches;
  totals.differingRequests += o.differingRequests;
  totals.accessPointsLeft += o.accessPointsLeft;
  totals.byStatus[o.status] = (totals.byStatus[o.status] ?? 0) + 1;
  const why = `${label} (seed ${sc.seed}): ${o.status}, failure ${o.run.failure ?? '-'}, jobs ${vecToArray(o.run.jobs).map((j) => `${j.name}=${j.status}`).join(' ')}`;
  assert.not.ok(o.stuck, `stuck: ${why}`);
  assert.is(o.duplicateLaunches, 0, `duplicate launches: ${why}`);
  assert.is(o.differingRequests, 0, `RunTask sent twice under one clientToken with different requests: ${why}`);
  if (!o.stuck) assert.is(o.accessPointsLeft, 0, `access points left after the run ended: ${why}`);
  assert.ok(expected(sc, o).includes(o.status), `expected ${expected(sc, o).join(' or ')}: ${why}`);
};

const F = suite('fault injection');
F.before(async () => {
  local = await startDynamoLocal();
  store = dynamoStore(local.doc, await local.createTable());
  const planned = await planCalculator(store, T0, 'd-faults');
  calculator = { request: planned.request, meta: (await getRunMeta(store.ctx, planned.runId))! };
});
F.after(async () => {
  ecsMock.restore();
  lambdaMock.restore();
  efsMock.restore();
  await local.stop();
  console.log(`figures: fault suite: ${totals.runs} runs × ${totals.faults} AWS faults, ${totals.crashes} crashes, ${totals.cancels} cancels → ` +
    `${totals.stuck} stuck, ${totals.duplicateLaunches} duplicate launches, ${totals.differingRequests} differing requests under one clientToken, ` +
    `${totals.accessPointsLeft} access points left; ` +
    `ended ${JSON.stringify(totals.byStatus)}`);
});

F('each documented fault is classified as its class, S3 HEAD answers and GitHub failures included', () => {
  const wrong = Object.values(faultsByApi).flat()
    .filter((f) => f.error !== undefined && classifyAwsError(f.error()).failure !== f.class)
    .map((f) => `${f.api} ${f.error!().name}: ${classifyAwsError(f.error!()).failure}, documented ${f.class}`);
  assert.equal(wrong, []);
  assert.ok(['HeadObject', 'UploadPart', 'GitHub'].every((api) => (faultsByApi[api] ?? []).length >= 4));
});

F('the calculator under every documented fault, crashes and cancels: every run ends as specified, each attempt one task', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const runId = `calc-${seed}`;
    const sc: Scenario = {
      request: { ...calculator.request, runId, at: T0 + seed }, meta: { ...calculator.meta, runId }, seed,
      rate: 0.25, permanent: seed % 3 === 0, crash: 0.03, cancelAfter: seed % 3 === 1 ? 2 + seed : null, retries: false,
    };
    check(sc, await runScenario(sc), 'calculator');
  }
});

F('a file system out of access points: the registrations wait and are sent again (listed in the run\'s retries), and the run ends when access points free', async () => {
  const sc: Scenario = {
    request: { ...calculator.request, runId: 'calc-ap-full', at: T0 + 100 }, meta: { ...calculator.meta, runId: 'calc-ap-full' }, seed: 100,
    rate: 0, permanent: false, crash: 0, cancelAfter: null, retries: false, accessPointsFullFor: 4,
  };
  const o = await runScenario(sc);
  check(sc, o, 'access points full');
  assert.is(o.status, 'SUCCEEDED');
  const waited = retriesView(o.run).filter((r) => r.command === 'RegisterTaskDefinition');
  assert.ok(waited.length > 0, 'the registration is listed in retries');
  assert.equal(waited.map((r) => [r.reason?.startsWith('AccessPointLimitExceeded: You have reached the maximum number of access points'), r.gaveUp]), waited.map(() => [true, false]));
  assert.is(waited.reduce((n, r) => n + r.failures, 0), 4);
  assert.is(o.accessPointsLeft, 0);
});

/** A random DAG: each job depends on earlier ones; images shared or reused; some jobs zipped. */
const dag = fc.array(
  fc.record({ deps: fc.array(fc.nat(), { maxLength: 3 }), concurrency: fc.integer({ min: 1, max: 2 }), image: fc.nat(3), reuse: fc.boolean(), zip: fc.boolean() }),
  { minLength: 1, maxLength: 5 },
);

F('random DAGs under random faults, crashes and cancels', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(dag, fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }), async (jobs, seed, permanent, cancelAfter) => {
      const runId = `dag-${++n}-${seed}`;
      const request = syntheticRunRequested({
        jobs: jobs.map((j, i) => ({
          name: `job-${i}`,
          dependsOn: [...new Set(j.deps.filter((d) => d < i).map((d) => `job-${d}`))],
          concurrency: j.concurrency, image: `img-${j.image}`, imageAction: j.reuse ? 'reuse' : 'build', downloadable: j.zip,
        })),
      }, { runId, at: T0 + n });
      const meta: RunMeta = { runId, repo: 'acme/dag', installationId: 7, branch: 'main', commit: request.commit, workflow: request.workflow.name, trigger: 'push' };
      const sc: Scenario = { request, meta, seed, rate: 0.2, permanent, crash: 0.03, cancelAfter, retries: false };
      check(sc, await runScenario(sc), 'random DAG');
    }),
    { numRuns: 10, seed: 20261203, endOnFailure: true },
  );
});

F('an outbox whose command kills the function on every try is given up after three, and a cancel behind it ends the run', async () => {
  const runId = 'poison-1';
  const request = syntheticRunRequested({ jobs: [{ name: 'only', imageAction: 'reuse' }] }, { runId, at: T0 });
  await putRunMeta(store.ctx, { runId, repo: 'acme/poison', installationId: 7, branch: 'main', commit: request.commit, workflow: request.workflow.name, trigger: 'push' });
  await store.events.append({ id: REQUESTED_EVENT_ID, runId, event: request, storedAt: 't' });
  const clock = { now: T0 };
  let deaths = 0;
  const carriedOut: string[] = [];
  // Registering the job's task definition kills the function, every time (a hang past its timeout).
  const interpret: Interpret = async (c) => {
    if (c._tag === 'RegisterTaskDefinition') {
      deaths++;
      throw new Error('Task timed out after 900.00 seconds');
    }
    carriedOut.push(c._tag);
    return c._tag === 'EnsureDirectories' ? [{ _tag: 'DirectoriesEnsured', at: clock.now }] : [];
  };
  const s = stepper({ store, interpret, now: () => clock.now, inlineWaitMs: 20_000, log: () => undefined, sleep: async (ms) => void (clock.now += ms) });
  const attempt = async (events: readonly RunEvent[]) => s.step(runId, events).then(() => 'ok', () => 'died');
  assert.is(await attempt([request]), 'died');
  const cancel: RunEvent = { _tag: 'CancelRequested', at: T0 + 1000, reason: 'stuck?', by: 'octocat' };
  await store.events.append({ id: requestEventId('cancel', 'poison'), runId, event: cancel, storedAt: 't' });
  // The stream retries the batch with the cancel in it: twice more the outbox kills the function…
  assert.equal([await attempt([cancel]), await attempt([cancel])], ['died', 'died']);
  assert.is(deaths, 3);
  // …then it is given up, the cancel is folded and the run ends.
  assert.is(await attempt([cancel]), 'ok');
  const run = ((await store.states.load(runId))!.state as StoredRun).run;
  assert.equal([run.status, deaths], ['CANCELLED', 3]);
  assert.ok(carriedOut.includes('EnsureDirectories'));
});

F.run();
