import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventIdentity } from '../../src/run/diagnostics.js';
import { imageUri } from '../../src/names/images.js';
import { runArtifactDirectories } from '../../src/render/directories.js';
import { buildGraph } from '../../src/run/graph.js';
import { heapEmpty, heapPush } from '../../src/run/heap.js';
import { timerOrder } from '../../src/run/timers.js';
import type { Timer } from '../../src/run/state.js';
import { enqueue, queueEmpty, dequeue } from '../../src/run/queue.js';
import { initialState, zeroJobCounts, zeroTaskCounts, type ImageRecord, type JobRecord, type RunState } from '../../src/run/state.js';
import { startedByIndexEmpty, startedByInsert } from '../../src/run/started-by-index.js';
import { reduceAll } from '../../src/run/reduce.js';
import { vecEmpty, vecFromArray, vecToArray } from '../../src/run/vector.js';
import { simulate } from '../../src/sim/simulate.js';
import { syntheticImageKey, syntheticRunRequested } from '../../src/sim/workflow.js';
import * as E from 'fp-ts/lib/Either.js';
import { buildKeys, registerCommand, request, RUN, smallWorkflow, step, T0, tags } from './support.js';

const RunRequested = suite('onRunRequested');

/** Builds are given up an hour after launch (the default `buildTimeoutSeconds`). */
const buildDeadline = (image: number): Timer => ({ at: T0 + 3_600_000, kind: 'deadline', ref: { kind: 'build', image } });

const waitingJob = (name: string, status: JobRecord['status'], imagesWaiting: number, depsWaiting: number, registration: JobRecord['registration']): JobRecord => ({
  name, status, reason: null, imagesWaiting, depsWaiting, registration, taskDefinitionArn: null, otherTaskDefinitionArns: [],
  tasks: vecEmpty(), taskCounts: zeroTaskCounts, startedAt: null, finishedAt: null, costUsd: 0, outputRunId: RUN, downloadable: null,
});

const image = (name: string, status: ImageRecord['status'], startedAt: number | null): ImageRecord => ({
  key: syntheticImageKey(name), ...(({ attemptKey, startedBy }) => ({ attemptKey, startedBy }))(buildKeys(name)), status,
  imageUri: imageUri(request().settings.render.imageRepository, syntheticImageKey(name)), taskArn: null, startedAt,
  reportedStarted: false, finishedAt: null, reason: null, stopReason: null, stopSent: false, costUsd: 0,
});

RunRequested('opens the run: builds start, folders are asked for, a job whose image exists registers at once', () => {
  const r = request();
  const [state, commands] = step(initialState(), r);
  const graph = E.getOrElseW(() => undefined)(buildGraph(r))!;
  let index = startedByIndexEmpty;
  ['a', 'b', 'c'].forEach((n, i) => { index = startedByInsert(index, buildKeys(n).startedBy, { kind: 'build', image: i }); });
  let queue = enqueue(enqueue(queueEmpty<never>(), { kind: 'build', image: 0 } as never), { kind: 'build', image: 1 } as never);
  queue = dequeue(dequeue(queue));
  const expected: RunState = {
    ...initialState(),
    runId: RUN,
    status: 'BUILDING',
    now: T0,
    requestedAt: T0,
    request: r,
    graph,
    jobs: vecFromArray([
      waitingJob('a', 'BUILDING', 1, 0, 'NONE'),
      waitingJob('b', 'BUILDING', 1, 1, 'NONE'),
      waitingJob('c', 'READY', 0, 0, 'REGISTERING'),
    ]),
    jobCounts: { ...zeroJobCounts, BUILDING: 2, READY: 1 },
    images: vecFromArray([image('a', 'BUILDING', T0), image('b', 'BUILDING', T0), image('c', 'REUSED', null)]),
    inFlight: { tasks: 0, builds: 2, downloads: 0 },
    launchQueue: queue,
    pacerTat: T0 + 100,
    timers: heapPush(heapPush(heapEmpty(), buildDeadline(0), timerOrder), buildDeadline(1), timerOrder),
    wakeupAt: T0 + 3_600_000,
    startedByIndex: index,
  };
  assert.equal(state, expected);
  const build = (name: string) => ({
    _tag: 'BuildImage' as const, runId: RUN, key: syntheticImageKey(name), job: name, container: 'main', commit: r.commit,
    dockerfilePath: `jobs/${name}/Dockerfile`, context: `jobs/${name}`,
    imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey(name)), cpu: 1024, memory: 2048,
    ...buildKeys(name), tags: tags(smallWorkflow, name),
  });
  assert.equal(commands, [
    { _tag: 'SetCommitStatus', runId: RUN, commit: r.commit, context: 'hyperp/synthetic', state: 'pending', description: 'running 3 jobs', targetUrl: null },
    { _tag: 'EnsureDirectories', runId: RUN, paths: runArtifactDirectories(r.workflow, r.commit, RUN) },
    registerCommand(r, smallWorkflow, 'c'),
    build('a'),
    build('b'),
    { _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 3_600_000 },
  ]);
});

RunRequested('the same request again changes nothing', () => {
  const [s1] = step(initialState(), request());
  assert.equal(step(s1, request()), [s1, []]);
});

RunRequested('a request for another run is counted and ignored', () => {
  const [s1] = step(initialState(), request());
  const other = { ...request(), runId: 'run-2', at: T0 + 5 };
  const [s2, commands] = step(s1, other);
  assert.equal(commands, []);
  assert.equal(s2, {
    ...s1,
    now: T0 + 5,
    diagnostics: { ignored: 1, byCode: { SecondRunRequested: 1 }, recent: [{ at: T0 + 5, code: 'SecondRunRequested', event: 'RunRequested', detail: 'this state holds run run-1; run run-2 ignored' }], seen: [eventIdentity(other)] },
  });
});

RunRequested('a request that cannot run (a cycle) ends the run FAILED with the reason', () => {
  const r = request({ jobs: [{ name: 'x', dependsOn: ['y'] }, { name: 'y', dependsOn: ['x'] }] });
  const [s, commands] = step(initialState(), r);
  const detail = 'jobs depend on each other in a cycle: x → y → x';
  assert.equal(s, {
    ...initialState(),
    runId: RUN, status: 'FAILED', now: T0, requestedAt: T0, finishedAt: T0, request: r,
    failure: `the run cannot start: ${detail}`,
    diagnostics: { ignored: 1, byCode: { InvalidRequest: 1 }, recent: [{ at: T0, code: 'InvalidRequest', event: 'RunRequested', detail }], seen: [eventIdentity(r)] },
  });
  assert.equal(commands, [
    { _tag: 'SetCommitStatus', runId: RUN, commit: r.commit, context: 'hyperp/synthetic', state: 'failure', description: `the run cannot start: ${detail}`, targetUrl: null },
  ]);
});

RunRequested('a rerun takes over succeeded jobs: they start SUCCEEDED and their images are not built', () => {
  const r = { ...request(), reuse: [{ job: 'a', runId: 'run-0' }] };
  const [s, commands] = step(initialState(), r);
  assert.equal([s.jobCounts, s.inFlight], [{ ...zeroJobCounts, SUCCEEDED: 1, BUILDING: 1, READY: 1 }, { tasks: 0, builds: 1, downloads: 0 }]);
  const a = s.jobs.root[0] as JobRecord;
  assert.equal([a.status, a.reason, a.outputRunId, a.finishedAt], ['SUCCEEDED', 'reused from run run-0', 'run-0', T0]);
  assert.equal(commands.map((c) => c._tag === 'BuildImage' ? `${c._tag} ${c.job}` : c._tag), ['SetCommitStatus', 'EnsureDirectories', 'RegisterTaskDefinition', 'BuildImage b', 'ScheduleWakeup']);
});

RunRequested('a cancel that arrived first ends the run CANCELLED as soon as it is requested', () => {
  const [s0] = step(initialState(), { _tag: 'CancelRequested', at: T0 - 10, reason: 'not wanted', by: 'ana' });
  const [s, commands] = step(s0, request());
  assert.equal([s.status, s.finishedAt, s.jobCounts], ['CANCELLED', T0, { ...zeroJobCounts, SKIPPED: 3 }]);
  assert.equal(commands, [
    { _tag: 'SetCommitStatus', runId: RUN, commit: request().commit, context: 'hyperp/synthetic', state: 'error', description: 'cancelled: not wanted', targetUrl: null },
  ]);
});

RunRequested('jobs named like object properties (__proto__, constructor, toString) run like any other, through JSON too', () => {
  const run = (names: readonly [string, string, string]) => simulate({
    seed: 3,
    request: syntheticRunRequested({ name: 'odd', jobs: [{ name: names[0] }, { name: names[1], dependsOn: [names[0]] }, { name: names[2], dependsOn: [names[1]] }] }, { runId: RUN, at: T0 }),
    model: { startLatencyMs: 100, buildMs: () => 1000, task: () => ({ durationMs: 1000, exitCode: 0 }) },
    recordHistory: true,
  });
  const odd = run(['__proto__', 'constructor', 'toString']);
  const plain = run(['a', 'b', 'c']);
  const summary = (r: typeof odd) => [r.state.status, r.makespanMs, vecToArray(r.state.jobs).map((j) => j.status), r.state.diagnostics.byCode];
  assert.equal(summary(odd), summary(plain));
  assert.is(odd.state.status, 'SUCCEEDED');
  const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  const half = Math.floor(odd.history.length / 2);
  const mid = json(reduceAll(initialState(), odd.history.slice(0, half))[0]);
  assert.equal(reduceAll(mid, odd.history.slice(half))[0].status, 'SUCCEEDED');
});

RunRequested.run();
